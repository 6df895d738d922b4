/**
 * A memory error's words in the editor: its message, after its kind when the message does not
 * already begin with it. The runtime's double free says "double free: the block of …", and
 * "double-free: double free: …" said the kind twice; memcheck's words for an access ("Invalid
 * write of size 8 …") do not name it, so those keep the kind in front.
 */
export function errorWords(kind: string, message: string): string {
  const spoken = kind.replace(/-/g, ' ').toLowerCase();
  return message.toLowerCase().startsWith(spoken) ? message : `${kind}: ${message}`;
}
