// STUB: being written.
export async function lsmod_main(_argc: number, _argv: string[]): Promise<number> { return 1; }
