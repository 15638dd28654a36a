/**
 * The one clock type: a function answering the current time as a Date. Durations and deadlines are
 * milliseconds (numbers); tests pass a clock they move by hand.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
