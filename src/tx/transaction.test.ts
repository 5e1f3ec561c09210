/**
 * Unit tests for what the TransactionTests fixtures do not reach: types 3 and 4, signing, the
 * EIP-7702 authority, the EIP-7623 floor, and the rules of Cancun, Prague and Osaka.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, concatBytes, equalBytes, hexToBytes } from '../primitives/bytes.js';
import { rlpEncode } from '../primitives/rlp.js';
import { getRules } from '../forks/index.js';
import {
  calldataFloorGas,
  decodeTransaction,
  encodeTransaction,
  intrinsicGas,
  InvalidTransactionError,
  privateKeyToAddress,
  recoverAuthority,
  recoverSender,
  SECP256K1N,
  signAuthorization,
  signingHash,
  signTransaction,
  transactionHash,
  validateTransaction,
  isValidated,
  withSignature,
  type Transaction,
  type TxType,
} from './index.js';

const KEY = hexToBytes('0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');
const SENDER = privateKeyToAddress(KEY);
const TO = '0x095e7baea6a6c7c4c2dfeb977efac326af552d87';
const DELEGATE = '0x00000000000000000000000000000000000000aa';
const BLOB_HASH = hexToBytes('0x01' + '11'.repeat(31));
const PRAGUE = getRules('Prague');
const OSAKA = getRules('Osaka');
const CANCUN = getRules('Cancun');

/** An unsigned transaction of `type` with plausible values; the overrides win. */
function unsigned(type: TxType, overrides: Partial<Transaction> = {}): Transaction {
  const feeMarket = type >= 2;
  return {
    type,
    chainId: 1n,
    nonce: 7n,
    gasPrice: feeMarket ? undefined : 10n ** 9n,
    maxPriorityFeePerGas: feeMarket ? 10n ** 9n : undefined,
    maxFeePerGas: feeMarket ? 3n * 10n ** 9n : undefined,
    gasLimit: 100_000n,
    to: TO,
    value: 12345n,
    data: hexToBytes('0x00ff0001'),
    accessList: type === 0 ? [] : [{ address: TO, storageKeys: [0n, 2n ** 255n] }],
    maxFeePerBlobGas: type === 3 ? 5n : undefined,
    blobVersionedHashes: type === 3 ? [BLOB_HASH] : undefined,
    authorizationList: type === 4 ? [signAuthorization({ chainId: 1n, address: DELEGATE, nonce: 0n }, KEY)] : undefined,
    v: 0n,
    r: 0n,
    s: 0n,
    ...overrides,
  };
}

function signed(type: TxType, overrides: Partial<Transaction> = {}): Transaction {
  return signTransaction(unsigned(type, overrides), KEY);
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidTransactionError) return error.code.replace('TransactionException.', '');
    throw error;
  }
  return 'accepted';
}

test('sign then recover, then encode/decode round-trip, for every type', () => {
  const cases: [string, Transaction][] = [
    ['legacy, pre-EIP-155', signed(0, { chainId: undefined })],
    ['legacy, EIP-155', signed(0)],
    ['type 1', signed(1)],
    ['type 2', signed(2)],
    ['type 3', signed(3)],
    ['type 4', signed(4)],
  ];
  for (const [name, tx] of cases) {
    assert.equal(recoverSender(tx, PRAGUE), SENDER, name);
    assert.equal(validateTransaction(tx, PRAGUE, { chainId: 1n }).sender, SENDER, name);
    const bytes = encodeTransaction(tx);
    const decoded = decodeTransaction(bytes);
    assert.deepEqual(decoded, tx, name);
    assert.ok(equalBytes(encodeTransaction(decoded), bytes), name);
    assert.equal(bytesToHex(transactionHash(decoded)), bytesToHex(transactionHash(tx)), name);
    assert.ok(tx.s <= SECP256K1N / 2n, `${name}: low s`);
  }
});

test('legacy v: 27/28 without a chain id, 35/36 + 2·chainId with one', () => {
  assert.ok([27n, 28n].includes(signed(0, { chainId: undefined }).v));
  assert.ok([35n + 2n * 5n, 36n + 2n * 5n].includes(signed(0, { chainId: 5n }).v));
  // The EIP-155 pre-image commits to the chain: the same fields on another chain sign another hash.
  assert.notDeepEqual(signingHash(unsigned(0, { chainId: 1n })), signingHash(unsigned(0, { chainId: 5n })));
  // Before EIP-155, a replay-protected v is not a valid signature.
  assert.equal(
    code(() => recoverSender(signed(0), getRules('Homestead'))),
    'INVALID_SIGNATURE_VRS',
  );
  // A signature for chain 5 is rejected on chain 1.
  assert.equal(
    code(() => validateTransaction(signed(0, { chainId: 5n }), PRAGUE, { chainId: 1n })),
    'INVALID_CHAINID',
  );
  assert.equal(
    code(() => validateTransaction(signed(2, { chainId: 5n }), PRAGUE, { chainId: 1n })),
    'INVALID_CHAINID',
  );
});

test('signature values: r and s in range, low s from Homestead, y-parity 0 or 1', () => {
  const tx = signed(2);
  const highS = { ...tx, s: SECP256K1N - tx.s, v: 1n - tx.v };
  assert.equal(
    code(() => recoverSender(highS, PRAGUE)),
    'INVALID_SIGNATURE_VRS',
  );
  assert.equal(
    code(() => recoverSender({ ...tx, r: 0n }, PRAGUE)),
    'INVALID_SIGNATURE_VRS',
  );
  assert.equal(
    code(() => recoverSender({ ...tx, s: SECP256K1N }, PRAGUE)),
    'INVALID_SIGNATURE_VRS',
  );
  assert.equal(
    code(() => recoverSender({ ...tx, v: 2n }, PRAGUE)),
    'INVALID_SIGNATURE_VRS',
  );
  // Frontier accepts the high-s twin of a signature: it recovers the same sender.
  const legacy = signed(0, { chainId: undefined });
  const twin = { ...legacy, s: SECP256K1N - legacy.s, v: legacy.v === 27n ? 28n : 27n };
  assert.equal(recoverSender(twin, getRules('Frontier')), SENDER);
  assert.equal(
    code(() => recoverSender(twin, getRules('Homestead'))),
    'INVALID_SIGNATURE_VRS',
  );
});

test('EIP-7702 authority: round-trip, and invalid signatures give undefined', () => {
  const auth = signAuthorization({ chainId: 0n, address: DELEGATE, nonce: 42n }, KEY);
  assert.equal(recoverAuthority(auth), SENDER);
  // The high-s twin would recover the same key, but EIP-7702 requires s ≤ n/2.
  assert.equal(recoverAuthority({ ...auth, s: SECP256K1N - auth.s, yParity: 1n - auth.yParity }), undefined);
  assert.equal(recoverAuthority({ ...auth, yParity: 2n }), undefined);
  assert.equal(recoverAuthority({ ...auth, r: 0n }), undefined);
  assert.equal(recoverAuthority({ ...auth, r: SECP256K1N }), undefined);
  // Another nonce is another message, so another (or no) authority.
  assert.notEqual(recoverAuthority({ ...auth, nonce: 43n }), SENDER);
});

test('intrinsic gas: calldata, creation, initcode words, access list, authorizations', () => {
  const data = hexToBytes('0x00ff0001'); // 2 zero bytes, 2 non-zero
  const call = unsigned(0, { data });
  assert.equal(intrinsicGas(call, getRules('Frontier')), 21000n + 2n * 4n + 2n * 68n);
  assert.equal(intrinsicGas(call, PRAGUE), 21000n + 2n * 4n + 2n * 16n);
  const create = unsigned(0, { to: null, data: new Uint8Array(33) });
  assert.equal(intrinsicGas(create, getRules('Frontier')), 21000n + 33n * 4n);
  assert.equal(intrinsicGas(create, getRules('Homestead')), 21000n + 33n * 4n + 32000n);
  assert.equal(intrinsicGas(create, getRules('Shanghai')), 21000n + 33n * 4n + 32000n + 2n * 2n);
  const withAccessList = unsigned(1, { data: new Uint8Array(0) });
  assert.equal(intrinsicGas(withAccessList, PRAGUE), 21000n + 2400n + 2n * 1900n);
  const setCode = unsigned(4, { data: new Uint8Array(0), accessList: [] });
  assert.equal(intrinsicGas(setCode, PRAGUE), 21000n + 25000n);
});

test('EIP-7623 calldata floor', () => {
  const tx = unsigned(2, { data: hexToBytes('0x00ff0001') }); // tokens = 2 + 4·2 = 10
  assert.equal(calldataFloorGas(tx, PRAGUE), 21000n + 10n * 10n);
  assert.equal(calldataFloorGas(tx, CANCUN), 0n);
  assert.equal(calldataFloorGas(unsigned(2, { data: new Uint8Array(0) }), PRAGUE), 21000n);
  // 1000 non-zero bytes: standard cost 21000 + 16000 = 37000, floor 21000 + 40000 = 61000.
  const heavy = unsigned(2, { data: new Uint8Array(1000).fill(1), accessList: [] });
  assert.equal(intrinsicGas(heavy, PRAGUE), 37000n);
  assert.equal(calldataFloorGas(heavy, PRAGUE), 61000n);
  assert.equal(
    code(() => validateTransaction(signTransaction({ ...heavy, gasLimit: 50000n }, KEY), PRAGUE)),
    'INTRINSIC_GAS_BELOW_FLOOR_GAS_COST',
  );
  assert.equal(
    code(() => validateTransaction(signTransaction({ ...heavy, gasLimit: 50000n }, KEY), CANCUN)),
    'accepted',
  );
  assert.equal(
    code(() => validateTransaction(signTransaction({ ...heavy, gasLimit: 61000n }, KEY), PRAGUE)),
    'accepted',
  );
});

test('validation returns what execution needs: the sender, the intrinsic gas and the floor', () => {
  const heavy = signTransaction(unsigned(2, { data: new Uint8Array(1000).fill(1), accessList: [], gasLimit: 70000n }), KEY);
  const valid = validateTransaction(heavy, PRAGUE, { chainId: 1n });
  assert.equal(valid.sender, SENDER);
  assert.equal(valid.intrinsicGas, 37000n);
  assert.equal(valid.floorGas, 61000n);
  assert.equal(validateTransaction(heavy, CANCUN, { chainId: 1n }).floorGas, 0n);
  assert.ok(isValidated(valid));
  assert.ok(isValidated({ ...valid, hash: new Uint8Array(32) }), 'a spread keeps the mark');
  assert.ok(!isValidated({ tx: heavy, sender: SENDER, intrinsicGas: 37000n, floorGas: 61000n }));
  // A known sender: the signature is not checked (an unsigned transaction passes), the chain id is.
  const bare = unsigned(2, { gasLimit: 21000n, data: new Uint8Array(0), accessList: [] });
  assert.equal(validateTransaction(bare, PRAGUE, { chainId: 1n, sender: TO }).sender, TO);
  assert.equal(
    code(() => validateTransaction(bare, PRAGUE, { chainId: 5n, sender: TO })),
    'INVALID_CHAINID',
  );
  assert.equal(
    code(() => validateTransaction(bare, PRAGUE, { chainId: 1n })),
    'INVALID_SIGNATURE_VRS',
  );
  // Signing afterwards keeps the validated values.
  const signedLater = withSignature(validateTransaction(bare, PRAGUE, { chainId: 1n, sender: SENDER }), signTransaction(bare, KEY));
  assert.ok(isValidated(signedLater));
  assert.equal(signedLater.tx.r !== 0n, true);
  assert.equal(signedLater.intrinsicGas, 21000n);
});

test('static validation: types per fork, blobs, set-code, caps and fees', () => {
  const valid = (tx: Transaction, rules = PRAGUE) =>
    code(() => validateTransaction(signTransaction(tx, KEY), rules, { chainId: 1n }).sender);
  assert.equal(valid(unsigned(1), getRules('Istanbul')), 'TYPE_NOT_SUPPORTED');
  assert.equal(valid(unsigned(2), getRules('Berlin')), 'TYPE_NOT_SUPPORTED');
  assert.equal(valid(unsigned(3), getRules('Shanghai')), 'TYPE_3_TX_PRE_FORK');
  assert.equal(valid(unsigned(4), CANCUN), 'TYPE_4_TX_PRE_FORK');

  assert.equal(valid(unsigned(3, { to: null })), 'TYPE_3_TX_CONTRACT_CREATION');
  assert.equal(valid(unsigned(3, { blobVersionedHashes: [] })), 'TYPE_3_TX_ZERO_BLOBS');
  assert.equal(valid(unsigned(3, { blobVersionedHashes: [new Uint8Array(32)] })), 'TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH');
  const blobs = (n: number) => unsigned(3, { blobVersionedHashes: Array.from({ length: n }, () => BLOB_HASH) });
  assert.equal(valid(blobs(6), CANCUN), 'accepted');
  assert.equal(valid(blobs(7), CANCUN), 'TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED');
  assert.equal(valid(blobs(9), PRAGUE), 'accepted');
  assert.equal(valid(blobs(7), OSAKA), 'TYPE_3_TX_BLOB_COUNT_EXCEEDED');
  assert.equal(valid(blobs(10), OSAKA), 'TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED');

  assert.equal(valid(unsigned(4, { to: null })), 'TYPE_4_TX_CONTRACT_CREATION');
  assert.equal(valid(unsigned(4, { authorizationList: [] })), 'TYPE_4_EMPTY_AUTHORIZATION_LIST');

  assert.equal(valid(unsigned(2, { gasLimit: 16_777_216n }), OSAKA), 'accepted');
  assert.equal(valid(unsigned(2, { gasLimit: 16_777_217n }), OSAKA), 'GAS_LIMIT_EXCEEDS_MAXIMUM');
  assert.equal(valid(unsigned(2, { gasLimit: 16_777_217n }), PRAGUE), 'accepted');
  assert.equal(valid(unsigned(2, { gasLimit: 20_000n })), 'INTRINSIC_GAS_TOO_LOW');
  assert.equal(valid(unsigned(2, { maxPriorityFeePerGas: 4n * 10n ** 9n })), 'PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS');
  assert.equal(valid(unsigned(2, { maxFeePerGas: 2n ** 255n, maxPriorityFeePerGas: 0n })), 'GASLIMIT_PRICE_PRODUCT_OVERFLOW');
  assert.equal(valid(unsigned(2, { nonce: 2n ** 64n - 1n })), 'NONCE_IS_MAX');
  assert.equal(valid(unsigned(2, { nonce: 2n ** 64n - 2n })), 'accepted');

  const initcode = (size: number) => unsigned(2, { to: null, data: new Uint8Array(size), gasLimit: 1_000_000n });
  assert.equal(valid(initcode(49152), getRules('Shanghai')), 'accepted');
  assert.equal(valid(initcode(49153), getRules('Shanghai')), 'INITCODE_SIZE_EXCEEDED');
  assert.equal(valid(initcode(49153), getRules('Paris')), 'accepted');
});

test('decoding is strict', () => {
  const type4 = encodeTransaction(signed(4));
  assert.equal(
    code(() => decodeTransaction(concatBytes(Uint8Array.of(0x05), type4.subarray(1)))),
    'TYPE_NOT_SUPPORTED',
  );
  assert.equal(
    code(() => decodeTransaction(type4.subarray(0, type4.length - 1))),
    'RLP_ERROR_SIZE',
  );
  assert.equal(
    code(() => decodeTransaction(new Uint8Array(0))),
    'RLP_ERROR_EOF',
  );

  // Field counts, by type.
  const fields = (n: number) => rlpEncode(Array.from({ length: n }, () => new Uint8Array(0)));
  assert.equal(
    code(() => decodeTransaction(concatBytes(Uint8Array.of(3), fields(13)))),
    'RLP_TOO_FEW_ELEMENTS',
  );
  assert.equal(
    code(() => decodeTransaction(concatBytes(Uint8Array.of(3), fields(15)))),
    'RLP_TOO_MANY_ELEMENTS',
  );

  // An authorization tuple with 5 items, or a 21-byte address.
  const withAuth = (tuple: Uint8Array[]) => {
    const tx = signed(4);
    const body = [
      ...[1n, 7n, 1n, 3n, 100_000n].map((n) => hexToBytes(n.toString(16), true)),
      hexToBytes(TO),
      new Uint8Array(0),
      new Uint8Array(0),
      [],
      [tuple],
      Uint8Array.of(1),
      hexToBytes(tx.r.toString(16), true),
      hexToBytes(tx.s.toString(16), true),
    ];
    return concatBytes(Uint8Array.of(4), rlpEncode(body));
  };
  const one = Uint8Array.of(1);
  const address = hexToBytes(DELEGATE);
  assert.equal(
    code(() => decodeTransaction(withAuth([one, address, one, one, one, one]))),
    'accepted',
  );
  assert.equal(
    code(() => decodeTransaction(withAuth([one, address, one, one, one]))),
    'TYPE_4_INVALID_AUTHORIZATION_FORMAT',
  );
  assert.equal(
    code(() => decodeTransaction(withAuth([one, concatBytes(address, one), one, one, one, one]))),
    'TYPE_4_INVALID_AUTHORIZATION_FORMAT',
  );
  assert.equal(
    code(() => decodeTransaction(withAuth([one, address, new Uint8Array(9).fill(1), one, one, one]))),
    'TYPE_4_INVALID_AUTHORIZATION_FORMAT',
  );

  // A versioned hash of 31 bytes.
  const blob = signed(3, { blobVersionedHashes: [BLOB_HASH.subarray(1)] });
  assert.equal(
    code(() => decodeTransaction(encodeTransaction(blob))),
    'TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH',
  );

  // Nonce and gas limit are 64-bit; leading zeros are never canonical.
  assert.equal(
    code(() => decodeTransaction(encodeTransaction(signed(2, { nonce: 2n ** 64n })))),
    'NONCE_OVERFLOW',
  );
  assert.equal(
    code(() => decodeTransaction(encodeTransaction(signed(2, { gasLimit: 2n ** 64n })))),
    'GASLIMIT_OVERFLOW',
  );
});

test('a typed transaction wrapped in an RLP string (its block-body form) decodes to the same', () => {
  const bytes = encodeTransaction(signed(2));
  const wrapped = rlpEncode(bytes);
  assert.deepEqual(decodeTransaction(wrapped), decodeTransaction(bytes));
  // A legacy list is never wrapped.
  assert.equal(
    code(() => decodeTransaction(rlpEncode(encodeTransaction(signed(0))))),
    'TYPE_NOT_SUPPORTED',
  );
});
