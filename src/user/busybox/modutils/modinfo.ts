// STUB: being written.
export async function modinfo_main(_argc: number, _argv: string[]): Promise<number> { return 1; }
