/**
 * What `git cat-file --batch` writes, cut into its answers: for each request, a header line (`<id> <type> <size>`,
 * or `<name> missing` / `<name> ambiguous`) and, when found, the object's bytes and a newline. Chunks arrive as the
 * pipe delivers them: an answer may span many chunks, and a chunk may hold several answers.
 */
export class CatFileOutput {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the object being received, once its header line was read. */
  private expecting?: number;

  /** The answers a chunk completes, in order: the object's bytes, or undefined for a name git does not have. */
  public push(chunk: Buffer): Array<Buffer | undefined> {
    const answers: Array<Buffer | undefined> = [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.expecting === undefined) {
        const data = this.take();
        const newline = data.indexOf(10);
        if (newline < 0) {
          this.put(data);
          return answers;
        }
        const header = data.subarray(0, newline).toString();
        this.put(data.subarray(newline + 1));
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          answers.push(undefined);
          continue;
        }
        this.expecting = Number(header.split(' ')[2]);
      }
      if (this.buffered < this.expecting + 1) return answers;
      const data = this.take();
      // An object that is most of the memory it was received in is handed out as a view of it, not copied (a 4 MB
      // profile would be copied twice otherwise); any other is copied, so that it does not keep a larger buffer alive
      // (a chunk of many small objects, the tail of a large one).
      const view = data.subarray(0, this.expecting);
      answers.push(view.length > 0 && view.buffer.byteLength <= 2 * view.length ? view : Buffer.from(view));
      this.put(data.subarray(this.expecting + 1));
      this.expecting = undefined;
    }
  }

  /** Forgets what was received (git ended). */
  public reset(): void {
    this.chunks = [];
    this.buffered = 0;
    this.expecting = undefined;
  }

  /** All that was received and not yet used, as one buffer; none of it is kept until put() gives some back. */
  private take(): Buffer {
    const data = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    return data;
  }

  private put(rest: Buffer): void {
    if (rest.length) {
      this.chunks = [rest];
      this.buffered = rest.length;
    }
  }
}
