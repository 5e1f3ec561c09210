// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// 256-bit modular exponentiation written out (square-and-multiply with MULMOD, not the
/// precompile): calldata = base, exponent, modulus and rounds as four 32-byte words; output = x
/// after `rounds` steps of x = x^exponent mod modulus, starting from x = base. The same loop as
/// modexp.c (exponent bits from the lowest, while any are left).
contract ModExp {
    fallback(bytes calldata input) external returns (bytes memory) {
        (uint256 x, uint256 e, uint256 m, uint256 count) = abi.decode(input, (uint256, uint256, uint256, uint256));
        for (uint256 r = 0; r < count; r++) x = modexp(x, e, m);
        return abi.encode(x);
    }

    function modexp(uint256 b, uint256 e, uint256 m) private pure returns (uint256 result) {
        result = 1 % m;
        b = b % m;
        while (e > 0) {
            if (e & 1 == 1) result = mulmod(result, b, m);
            b = mulmod(b, b, m);
            e >>= 1;
        }
    }
}
