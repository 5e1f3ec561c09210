// The Hardhat project `npm run bench:node` starts `hardhat node` in: the default network,
// chain id 31337, automine, the same test mnemonic as polyvm.
module.exports = {
  networks: {
    hardhat: { chainId: 31337, mining: { auto: true } },
  },
};
