/**
 * Why a file could not be read, in a few words for an error line: `no such file`, `is a directory`, `permission
 * denied`, else the error's own message (a bounded read past its limit: `larger than 64 MiB, …`). Here, not
 * beside the bounded reader in files/, so every layer that names a file can say it the same way.
 */
export function unreadableReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
