// compile.js compiles CitizenCredentialRegistry.sol with the pinned solc
// (npm solc, standard-JSON API) and writes the ABI and creation bytecode next
// to it. Run through build.sh; the output depends only on the source and the
// settings below, so it is reproducible byte for byte.
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const WANT_VERSION = '0.8.37';
const NAME = 'CitizenCredentialRegistry';
const SOURCE = NAME + '.sol';

const version = solc.version();
if (!version.startsWith(WANT_VERSION + '+')) {
  console.error(`compile.js: solc ${version}, want ${WANT_VERSION}; run npm ci in ${__dirname}`);
  process.exit(1);
}

const input = {
  language: 'Solidity',
  sources: { [SOURCE]: { content: fs.readFileSync(path.join(__dirname, SOURCE), 'utf8') } },
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    // No IPFS/Swarm hash of the metadata in the bytecode: it would change with
    // comments and whitespace and tie the bytecode to the file layout.
    metadata: { bytecodeHash: 'none' },
    outputSelection: { [SOURCE]: { [NAME]: ['abi', 'evm.bytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
let failed = false;
for (const e of output.errors || []) {
  console.error(e.formattedMessage || e.message);
  if (e.severity === 'error') failed = true;
}
if (failed) process.exit(1);

const contract = output.contracts[SOURCE][NAME];
fs.writeFileSync(path.join(__dirname, NAME + '.abi'), JSON.stringify(contract.abi, null, 2) + '\n');
fs.writeFileSync(path.join(__dirname, NAME + '.bin'), contract.evm.bytecode.object);
console.error(`compile.js: ${NAME} compiled with solc ${version} (${contract.evm.bytecode.object.length / 2} bytes)`);
