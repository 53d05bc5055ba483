/** One redaction, by parsing the URL: passwords holding '@', secret query parameters, free text. */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { redactText, redactUrl, urlCredentials } from '../src/redact.js';

describe('redactUrl', () => {
  test('replaces the password, keeps the user, host, path and the other parameters', () => {
    assert.equal(redactUrl('rtsp://user:secret@host:554/stream1'), 'rtsp://user:***@host:554/stream1');
    assert.equal(redactUrl('https://a:b%40c@example.com/x'), 'https://a:***@example.com/x');
    assert.equal(redactUrl('rtsp://host/stream'), 'rtsp://host/stream');
    assert.equal(redactUrl('/srv/a:b@c.mp4'), '/srv/a:b@c.mp4');
  });

  test('issue 21: a password holding @ is redacted whole (the last @ of the authority ends the user info)', () => {
    assert.equal(redactUrl('rtsp://admin:p@ssAtSecret@host/cam'), 'rtsp://admin:***@host/cam');
    assert.equal(redactUrl('rtsp://admin:p@ss@host:554'), 'rtsp://admin:***@host:554');
    assert.equal(redactUrl('http://host/a@b?x=1'), 'http://host/a@b?x=1', 'an @ in the path is no user info');
  });

  test('issue 21: secret query (and fragment) parameters, any case, encoded or not; other parameters stay', () => {
    assert.equal(redactUrl('http://cam/snap.cgi?user=admin&pwd=X1&chn=1'), 'http://cam/snap.cgi?user=admin&pwd=***&chn=1');
    assert.equal(redactUrl('http://cam/v?PassWord=a%20b&token=t&Access_Token=z&api%5Fkey=k&sig=s#auth=q'), 'http://cam/v?PassWord=***&token=***&Access_Token=***&api%5Fkey=***&sig=***#auth=***');
    for (const key of ['password', 'pwd', 'pass', 'passwd', 'token', 'access_token', 'auth', 'key', 'apikey', 'api_key', 'secret', 'signature', 'sig']) {
      assert.equal(redactUrl(`https://h/p?${key}=v4lue`), `https://h/p?${key}=***`, key);
    }
    assert.equal(redactUrl('http://cam/v?monkey=1&keys=2'), 'http://cam/v?monkey=1&keys=2');
  });
});

describe('redactText', () => {
  test('scrubs credentials and the bare password from free text', () => {
    const url = 'rtsp://viewer:p%40ss-w0rd@10.0.0.1/s';
    const out = redactText('rtsp://viewer:p%40ss-w0rd@10.0.0.1/s: 401; tried p@ss-w0rd and p%40ss-w0rd', url);
    assert.ok(!out.includes('ss-w0rd'), out);
    assert.ok(out.includes('rtsp://viewer:***@10.0.0.1/s'));
  });

  test('issue 21: the message stays readable: no letter of it is taken for the password', () => {
    const url = 'rtsp://admin:p@ssAtSecret@host/cam';
    const out = redactText(`camera "lobby": stopped playing; [concat @ 0x1] Impossible to open '${url}' (${redactUrl(url)})`, url);
    assert.equal(out, `camera "lobby": stopped playing; [concat @ 0x1] Impossible to open 'rtsp://admin:***@host/cam' (rtsp://admin:***@host/cam)`);
    const q = 'http://cam/v.mjpg?pwd=Hunter2x';
    assert.equal(redactText(`HTTP error 401 for ${q}; pwd Hunter2x`, q), 'HTTP error 401 for http://cam/v.mjpg?pwd=***; pwd ***');
  });
});

test('urlCredentials names what a URL carries', () => {
  assert.equal(urlCredentials('https://hooks.example.org/x'), undefined);
  assert.match(urlCredentials('https://u:p@hooks.example.org/x') ?? '', /user info/);
  assert.match(urlCredentials('https://hooks.example.org/x?token=abc') ?? '', /"token"/);
});
