/**
 * Stylus's price of WebAssembly memory: a transaction gets 2 pages free, then pays 1,000 gas per
 * page it has open beyond them plus a steepening charge on the most pages it ever had open (a
 * fixed table up to 128 pages, 8 MiB; beyond it growth can never be paid). The figures are
 * Arbitrum's (nitro arbos/programs/memory.go, params.go).
 */
const FREE_PAGES = 2;
const PAGE_GAS = 1_000;

/** exp[n]: the charge for ever having n pages open. */
// prettier-ignore
const EXPONENTS = [
  1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38,
  43, 50, 57, 65, 75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569,
  651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932,
  5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642,
  37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082, 164904, 188735,
  216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973, 727880, 833067, 953456,
  1091243, 1248941, 1429429, 1636000, 1872423, 2143012, 2452704, 2807151, 3212820, 3677113,
  4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199,
  16230562, 18576084, 21260563, 24332984, 27849408, 31873999,
];

/** The largest memory a program can ever pay for, in 64 KiB pages. */
export const MAX_PAGES = EXPONENTS.length - 1;

/** A charge no gas limit can pay (growth past `MAX_PAGES`). */
export const UNPAYABLE = 2n ** 64n - 1n;

function exp(pages: number): bigint {
  return pages < EXPONENTS.length ? BigInt(EXPONENTS[pages]!) : UNPAYABLE;
}

/** Pages of a transaction: how many are open now, and the most ever open at once. */
export interface PageCounts {
  open: number;
  ever: number;
}

/** The gas for opening `pages` more, given the transaction's counts (which it updates). */
export function openPages(counts: PageCounts, pages: number): bigint {
  const { open, ever } = counts;
  const newOpen = Math.min(open + pages, 0xffff);
  const newEver = Math.max(ever, newOpen);
  counts.open = newOpen;
  counts.ever = newEver;
  if (newEver <= FREE_PAGES) return 0n;
  const beyondFree = (n: number) => Math.max(n - FREE_PAGES, 0);
  const adding = Math.max(beyondFree(newOpen) - beyondFree(open), 0);
  const cost = BigInt(adding * PAGE_GAS) + exp(newEver) - exp(ever);
  return cost > UNPAYABLE ? UNPAYABLE : cost;
}
