/** "1 step", "9 steps", "1 delivery", "2 deliveries": a count with its noun, for every message that counts. */
export const plural = (count: number, noun: string, nouns = `${noun}s`): string => `${count} ${count === 1 ? noun : nouns}`;
