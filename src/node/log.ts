/** The operator's log: stderr under Node.js, the console elsewhere (the in-memory node in a browser). */
export function logError(message: string): void {
  const process = (globalThis as { process?: { stderr?: { write(text: string): unknown } } }).process;
  if (process?.stderr) process.stderr.write(message + '\n');
  else console.error(message);
}

/** A WebAssembly program's debug output (Stylus `console` host functions), in the operator's log. */
export function printProgramOutput(line: string): void {
  logError(`program: ${line}`);
}
