// readRequestLine() over lines as strace 6.1 prints them: the first lines are from the captures in
// test/fixtures/strace (blocked-upstream with -yy -s 256, the same with the default -s 32).
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_LINE_CHARS, readRequestLine, readRequestLineBytes } from '../../../src/strace/request-line.js';

describe('readRequestLine()', () => {
  it('readRequestLine() reads the first line of the data a recvfrom returned, up to the escaped CR LF', () => {
    const line =
      '04:43:14.825242 recvfrom(7<TCP:[127.0.0.1:18700->127.0.0.1:38986]>, "GET /upstream?port=18790 HTTP/1.1\\r\\nHost: 127.0.0.1:18700\\r\\nConnection: keep-alive\\r\\n\\r\\n", 87380, 0, NULL, NULL) = 84 <0.000092>';
    expect(readRequestLine(line)).toBe('GET /upstream?port=18790 HTTP/1.1');
  });

  it('readRequestLine() marks a line strace cut at -s with …', () => {
    expect(readRequestLine('recvfrom(7, "GET /upstream?port=18790 HTTP/1."..., 87380, 0, NULL, NULL) = 84')).toBe('GET /upstream?port=18790 HTTP/1.…');
  });

  it('readRequestLine() reads a line that ends with the string (a text protocol without a newline) or at \\n', () => {
    expect(readRequestLine('read(9<UNIX-STREAM:[41568->41567]>, "ping", 65536) = 4')).toBe('ping');
    expect(readRequestLine('read(9, "ok 12\\nmore", 65536) = 10')).toBe('ok 12');
  });

  it('readRequestLine() reads the resumed half of a split read, and readv/recvmsg buffers', () => {
    expect(readRequestLine('[pid 22098] 04:44:58.945425 <... recvfrom resumed>"GET /a HTTP/1.1\\r\\n\\r\\n", 65535, 0, NULL, NULL) = 19 <0.000099>')).toBe('GET /a HTTP/1.1');
    expect(readRequestLine('readv(7, [{iov_base="POST /login HTTP/1.1\\r\\n", iov_len=8192}], 1) = 22')).toBe('POST /login HTTP/1.1');
    expect(readRequestLine('recvmsg(7, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="GET / HTTP/1.0\\r\\n", iov_len=4096}], msg_iovlen=1}, 0) = 16')).toBe('GET / HTTP/1.0');
  });

  it('readRequestLine() skips an fd annotation that holds quotes or a peer arrow', () => {
    expect(readRequestLine('read(5<UNIX-STREAM:[1->2,"/run/a, \\"b.sock"]>, "GET /u HTTP/1.1\\r\\n", 10) = 10')).toBe('GET /u HTTP/1.1');
  });

  it('readRequestLine() keeps strace\'s escapes inside the line and gives null for binary data or no string', () => {
    expect(readRequestLine('recvfrom(7, "GET /q?a=\\"x\\" HTTP/1.1\\r\\n", 100, 0, NULL, NULL) = 20')).toBe('GET /q?a=\\"x\\" HTTP/1.1');
    expect(readRequestLine('recvfrom(8, "\\x81\\x85\\x37\\xfa\\x21\\x3d", 65535, 0, NULL, NULL) = 6')).toBeNull();
    expect(readRequestLine('read(8, "\\26\\3\\1\\2\\0\\1\\0\\1\\374\\3\\3", 5) = 5')).toBeNull();
    expect(readRequestLine('read(8, "", 5) = 0')).toBeNull();
    expect(readRequestLine('epoll_wait(2<anon_inode:[eventpoll]>, [], 32, 1000) = 0')).toBeNull();
    expect(readRequestLine('not a syscall line')).toBeNull();
  });

  it(`readRequestLine() keeps at most ${MAX_REQUEST_LINE_CHARS} characters of a long line, marked cut`, () => {
    const line = readRequestLine(`recvfrom(7, "GET /${'a'.repeat(2000)} HTTP/1.1\\r\\n", 87380, 0, NULL, NULL) = 2020`);
    expect(line).toBe(`GET /${'a'.repeat(MAX_REQUEST_LINE_CHARS - 5)}…`);
  });

  it('readRequestLineBytes() reads the same from a byte range of a chunk', () => {
    const text = 'x\nrecvfrom(7, "GET /b HTTP/1.1\\r\\n", 87380, 0, NULL, NULL) = 17\ny';
    const buf = Buffer.from(text);
    expect(readRequestLineBytes(buf, 2, text.lastIndexOf('\n'))).toBe('GET /b HTTP/1.1');
  });
});
