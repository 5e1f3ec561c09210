// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IERC20 {
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    function balanceOf(address account) external view returns (uint256);
}

/// A vault for one ERC-20 token. deposit pulls tokens in with transferFrom (approve the vault
/// first); withdraw sends them back. Against the C token in examples/wasm/erc20-c, each of these
/// is a call from the EVM into a WebAssembly program, and the token's custom errors (for example
/// ERC20InsufficientAllowance) come back through the vault unchanged.
contract Vault {
    IERC20 public immutable token;
    mapping(address => uint256) public deposits;
    uint256 public totalDeposits;

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    error InsufficientDeposit(uint256 deposited, uint256 requested);

    constructor(IERC20 token_) {
        token = token_;
    }

    function deposit(uint256 amount) external {
        require(token.transferFrom(msg.sender, address(this), amount), "transferFrom returned false");
        deposits[msg.sender] += amount;
        totalDeposits += amount;
        emit Deposited(msg.sender, amount);
    }

    function withdraw(uint256 amount) external {
        uint256 deposited = deposits[msg.sender];
        if (deposited < amount) revert InsufficientDeposit(deposited, amount);
        deposits[msg.sender] = deposited - amount;
        totalDeposits -= amount;
        require(token.transfer(msg.sender, amount), "transfer returned false");
        emit Withdrawn(msg.sender, amount);
    }

    /// The vault's holdings as the token reports them (a static call into the token).
    function holdings() external view returns (uint256) {
        return token.balanceOf(address(this));
    }
}
