// STUB: being written.
export async function echo_main(_argc: number, _argv: string[]): Promise<number> { return 1; }
