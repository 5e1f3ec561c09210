/**
 * Why a Stylus program was refused at activation. The message names what was wrong and where
 * (byte offset in the decompressed module, function index), so a deployer can fix the program.
 */
export class ProgramError extends Error {
  override readonly name = 'ProgramError';
}
