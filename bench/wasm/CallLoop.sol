// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A loop of calls: calldata = target address, count and mode as three 32-byte words (as
/// call-loop.c). Mode 1 calls the target `count` times with no calldata and no value; mode 0 runs
/// the same loop without the call, to measure the loop alone. Output: the number of calls that
/// failed.
contract CallLoop {
    fallback(bytes calldata input) external returns (bytes memory) {
        (address target, uint256 count, bool call) = abi.decode(input, (address, uint256, bool));
        uint256 failed;
        for (uint256 i = 0; i < count; i++) {
            if (call) {
                (bool ok, ) = target.call("");
                if (!ok) failed++;
            }
        }
        return abi.encode(failed);
    }
}
