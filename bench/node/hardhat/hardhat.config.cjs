// The Hardhat project `npm run bench:node` starts `hardhat node` in: the default network,
// chain id 31337, automine, the same test mnemonic as polyvm. For the forked workload Hardhat
// must be told which hardfork the remote (an Anvil dev chain, chain id 31337) runs at each block.
module.exports = {
  networks: {
    hardhat: { chainId: 31337, mining: { auto: true }, chains: { 31337: { hardforkHistory: { prague: 0 } } } },
  },
};
