// STUB: being written.
export async function true_main(_argc: number, _argv: string[]): Promise<number> { return 1; }
export async function false_main(_argc: number, _argv: string[]): Promise<number> { return 1; }
