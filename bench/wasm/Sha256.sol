// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// SHA-256 written out (FIPS 180-4), not the precompile: calldata = the message, output = its
/// 32-byte digest. The same algorithm as sha256.c: pad into a buffer, then one compression per
/// 64-byte block with a 64-word schedule.
contract Sha256 {
    fallback(bytes calldata input) external returns (bytes memory) {
        return abi.encodePacked(digest(input));
    }

    function digest(bytes calldata data) internal pure returns (bytes32 result) {
        uint256 n = data.length;
        uint256 padded = ((n + 9 + 63) / 64) * 64;
        bytes memory message = new bytes(padded);
        assembly {
            calldatacopy(add(message, 32), data.offset, n)
        }
        message[n] = 0x80;
        uint256 bits = n * 8;
        for (uint256 i = 0; i < 8; i++) message[padded - 1 - i] = bytes1(uint8(bits >> (8 * i)));

        uint32[8] memory h = [
            uint32(0x6a09e667),
            0xbb67ae85,
            0x3c6ef372,
            0xa54ff53a,
            0x510e527f,
            0x9b05688c,
            0x1f83d9ab,
            0x5be0cd19
        ];
        uint32[64] memory k = [
            uint32(0x428a2f98), 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
        ];
        uint32[64] memory w;
        for (uint256 at = 0; at < padded; at += 64) compress(h, message, at, w, k);
        for (uint256 i = 0; i < 8; i++) result |= bytes32(uint256(h[i]) << (224 - 32 * i));
    }

    function compress(uint32[8] memory h, bytes memory message, uint256 at, uint32[64] memory w, uint32[64] memory k) private pure {
        unchecked {
            for (uint256 i = 0; i < 16; i++) {
                uint32 word;
                assembly {
                    word := shr(224, mload(add(add(message, 32), add(at, mul(i, 4)))))
                }
                w[i] = word;
            }
            for (uint256 i = 16; i < 64; i++) {
                uint32 x = w[i - 15];
                uint32 y = w[i - 2];
                uint32 s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3);
                uint32 s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10);
                w[i] = w[i - 16] + s0 + w[i - 7] + s1;
            }
            rounds(h, w, k);
        }
    }

    /// The 64 rounds, then the state h += (a, b, c, d, e, f, g, h).
    function rounds(uint32[8] memory v, uint32[64] memory w, uint32[64] memory k) private pure {
        unchecked {
            uint32 a = v[0];
            uint32 b = v[1];
            uint32 c = v[2];
            uint32 d = v[3];
            uint32 e = v[4];
            uint32 f = v[5];
            uint32 g = v[6];
            uint32 hh = v[7];
            for (uint256 i = 0; i < 64; i++) {
                uint32 t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
                uint32 t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
                hh = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
            }
            v[0] += a;
            v[1] += b;
            v[2] += c;
            v[3] += d;
            v[4] += e;
            v[5] += f;
            v[6] += g;
            v[7] += hh;
        }
    }

    function rotr(uint32 x, uint32 n) private pure returns (uint32) {
        unchecked {
            return (x >> n) | (x << (32 - n));
        }
    }
}
