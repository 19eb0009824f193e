const BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const TIME_DIGITS = 10;
const RANDOM_DIGITS = 16;

/** The last id's time and random digits (values 0 to 31): a later id in the same millisecond counts up from them. */
let lastTime = -1;
const random = new Uint8Array(RANDOM_DIGITS);

const encodeTime = (time: number) => {
  let text = "";
  for (let rest = time, i = 0; i < TIME_DIGITS; i++, rest = Math.floor(rest / 32)) text = BASE32.charAt(rest % 32) + text;
  return text;
};

/**
 * ULIDs (https://github.com/ulid/spec): 26 characters of Crockford base32, a 48-bit time in
 * milliseconds then 80 random bits, monotonic within an isolate: an id made in the same
 * millisecond as the last one (or while the clock is behind it) is the last one plus one, so
 * ids sort in the order they were made. One call for the 80 random bits, where the `ulid`
 * package made 16 (one per character, each with its own buffer): a write makes up to a dozen ids.
 */
export function newId(): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    crypto.getRandomValues(random);
    // 256 is a multiple of 32, so each byte's low five bits are uniformly random.
    for (let i = 0; i < RANDOM_DIGITS; i++) random[i] = (random[i] as number) & 31;
  } else {
    let i = RANDOM_DIGITS - 1;
    while (i >= 0 && random[i] === 31) random[i--] = 0;
    // 2^80 ids in one millisecond: the spec's overflow, which no isolate reaches.
    if (i < 0) throw new Error("ULID overflow: too many ids in one millisecond");
    random[i] = (random[i] as number) + 1;
  }
  let text = encodeTime(lastTime);
  for (const digit of random) text += BASE32.charAt(digit);
  return text;
}
