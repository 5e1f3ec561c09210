// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Sorting uint256 numbers: calldata = n big-endian 32-byte words, output = the same words in
/// ascending order. The same quicksort as sort.c: Hoare partition around the middle element,
/// recursion on both sides.
contract Sort {
    fallback(bytes calldata input) external returns (bytes memory) {
        uint256 n = input.length / 32;
        uint256[] memory a = new uint256[](n);
        for (uint256 i = 0; i < n; i++) a[i] = uint256(bytes32(input[i * 32:i * 32 + 32]));
        quicksort(a, 0, int256(n) - 1);
        return abi.encodePacked(a);
    }

    function quicksort(uint256[] memory a, int256 lo, int256 hi) private pure {
        if (lo >= hi) return;
        unchecked {
            uint256 pivot = a[uint256(lo + (hi - lo) / 2)];
            int256 i = lo;
            int256 j = hi;
            while (i <= j) {
                while (a[uint256(i)] < pivot) i++;
                while (pivot < a[uint256(j)]) j--;
                if (i <= j) {
                    (a[uint256(i)], a[uint256(j)]) = (a[uint256(j)], a[uint256(i)]);
                    i++;
                    j--;
                }
            }
            if (lo < j) quicksort(a, lo, j);
            if (i < hi) quicksort(a, i, hi);
        }
    }
}
