import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Replaces a file's content without ever leaving it half-written: the new bytes go to a temporary
 * file in the same directory (same file system, so the rename is atomic), which takes the old
 * file's mode (and owner, where allowed) and then replaces it. On failure the temporary file is
 * removed and the original is untouched.
 */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  // A new file (created by a cross-file codemod) gets the usual mode for new files.
  const stat = await fs.stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, mode: 0o666 & ~process.umask() };
  });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.otel-context-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx', 0o600);
    await handle.writeFile(data);
    await handle.chown(stat.uid, stat.gid).catch(() => {}); // only root may give a file away
    await handle.chmod(stat.mode & 0o7777); // after chown (which may clear set-id bits); not subject to the umask
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => {});
    await fs.unlink(temp).catch(() => {});
    throw error;
  }
}
