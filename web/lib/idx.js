// IDX files (the MNIST format): reading bytes with progress, gzip detection, parsing and checks.
// Runs in the worker and under Node (tests); needs only fetch, streams and DecompressionStream.

const TYPE_UBYTE = 0x08;

function hex(n) {
  return '0x' + n.toString(16).padStart(8, '0');
}

export function isGzip(bytes) {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

// Reads a file's stream to its end, decompressing on the way when it starts with the gzip magic,
// so that decompression overlaps the download; raw IDX passes through. onBytes(n) counts the
// bytes as they arrive (compressed, as the progress bar's total is the download's size).
export async function readIdxBytes(stream, name, onBytes = () => {}) {
  const { head, whole } = await peek(stream.pipeThrough(counter(onBytes)), 2);
  if (!isGzip(head)) return readAll(whole);
  try {
    return await readAll(whole.pipeThrough(new DecompressionStream('gzip')));
  } catch (err) {
    throw new Error(`${name}: the gzip data is damaged or cut short (${err.message})`);
  }
}

function counter(onBytes) {
  return new TransformStream({ transform(chunk, out) { onBytes(chunk.length); out.enqueue(chunk); } });
}

// The first `n` bytes of a stream (fewer if it is shorter), and a stream of all of it again.
async function peek(stream, n) {
  const reader = stream.getReader();
  const seen = [];
  let length = 0;
  while (length < n) {
    const { done, value } = await reader.read();
    if (done) break;
    seen.push(value);
    length += value.length;
  }
  const whole = new ReadableStream({
    start(out) { for (const chunk of seen) out.enqueue(chunk); },
    async pull(out) {
      const { done, value } = await reader.read();
      if (done) out.close(); else out.enqueue(value);
    },
    cancel(reason) { return reader.cancel(reason); },
  });
  return { head: concat(seen, length), whole };
}

function concat(chunks, length) {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

// Parses an IDX file of unsigned bytes. expectDims: 3 for images [n, h, w], 1 for labels [n].
export function parseIdx(bytes, name, expectDims) {
  if (bytes.length < 4) throw new Error(`${name}: ${bytes.length} bytes is too short for an IDX file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const wanted = (TYPE_UBYTE << 8) | expectDims;
  if (magic !== wanted) {
    const kind = expectDims === 3 ? 'images' : 'labels';
    throw new Error(`${name}: not an IDX ${kind} file: expected magic ${hex(wanted)} at offset 0, found ${hex(magic)}`);
  }
  const header = 4 + 4 * expectDims;
  if (bytes.length < header) throw new Error(`${name}: header cut short (${bytes.length} bytes, need ${header})`);
  const dims = [];
  for (let i = 0; i < expectDims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + count) {
    throw new Error(`${name}: dimensions [${dims.join(', ')}] need ${header + count} bytes, the file has ${bytes.length}`);
  }
  return { dims, data: bytes.subarray(header) };
}

// Checks that images and labels belong together and that labels fit the class count.
export function checkPair(images, labels, name, classCount = 10) {
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(`${name}: ${images.dims[0]} images but ${labels.dims[0]} labels`);
  }
  for (let i = 0; i < labels.data.length; i++) {
    if (labels.data[i] >= classCount) {
      throw new Error(`${name}: label ${labels.data[i]} at index ${i} is not a class from 0 to ${classCount - 1}`);
    }
  }
}

// Reads a stream fully, calling onBytes(n) for every chunk so a progress bar can move.
export async function readAll(stream, onBytes = () => {}) {
  const reader = stream.getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
    onBytes(value.length);
  }
  return concat(chunks, length);
}

// Opens a URL and reports its size before the body is read, so totals are known up front.
export async function openUrl(url, fetchImpl = fetch) {
  let res;
  try {
    res = await fetchImpl(url);
  } catch (err) {
    throw new Error(`${url}: could not be fetched (${err.message})`);
  }
  if (!res.ok) throw new Error(`${url}: the server answered ${res.status} ${res.statusText}`.trim());
  return { name: url.split('/').pop(), size: Number(res.headers.get('Content-Length')) || 0, stream: () => res.body };
}

// A File or Blob picked by the person (gzip or raw IDX).
export function openFile(file) {
  return { name: file.name ?? 'file', size: file.size, stream: () => file.stream() };
}
