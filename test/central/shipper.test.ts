/**
 * An edge ships its faces, tracks and thumbnails to a real PostgreSQL server (a throwaway one):
 * everything arrives once, with its tracks; the server down for a while loses and duplicates
 * nothing; a batch shipped again after a crash is skipped; a site's role can add only its own
 * faces and read nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type NewFace, type Store, type TrackWrite } from '../../src/store/index.js';
import { Shipper } from '../../src/central/shipper.js';
import { silentLogger } from '../../src/log/logger.js';
import { isFaceidxError } from '../../src/errors.js';
import { pgServer } from '../helpers/store-backends.js';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'faceidx-edge-')), 'state');

function face(camera: string, ts: number, faceIdx: number, trackKey: number): NewFace & { trackKey: number } {
  return {
    cameraId: camera, ts, framePos: ts / 1000, faceIdx, box: { x: 10 + faceIdx, y: 20, width: 50, height: 60 }, score: 0.9, quality: 60,
    clusterable: true, descriptor: new Float32Array(128).map((_, i) => Math.sin(ts + faceIdx * 7 + i)), thumbnail: Buffer.from(`jpeg-${camera}-${ts}-${faceIdx}`), trackKey,
  };
}

function track(camera: string, key: number, ts: number, extra: Partial<TrackWrite> = {}): TrackWrite {
  return { key, cameraId: camera, firstTs: 1000, lastTs: ts, firstPos: 1, lastPos: ts / 1000, quality: 0.5, aggregate: new Float32Array(128).fill(key), identifiable: true, ...extra };
}

/** An edge store with `frames` frames of two faces each (two tracks) on `camera`. */
async function edgeWith(camera: string, frames: number, store?: Store, from = 0): Promise<Store> {
  const s = store ?? (await openStore(tmp()));
  await s.cameras.upsert({ id: camera, url: `/footage/${camera}.mp4`, kind: 'file' });
  const ids = new Map<number, number>();
  for (let i = from; i < from + frames; i++) {
    const ts = 1000 + i * 500;
    const r = await s.tracks.storeFrame({
      faces: [face(camera, ts, 0, 1), face(camera, ts, 1, 2)],
      tracks: [track(camera, 1, ts, { id: ids.get(1), bestFace: 0 }), track(camera, 2, ts, { id: ids.get(2), bestFace: 1 })],
    });
    for (const [k, v] of r.trackIds) ids.set(k, v);
  }
  return s;
}

function shipper(local: Store, url: string, site: string): Shipper {
  return new Shipper({ local, site, url, batch: 7, intervalMs: 50, retryMaxMs: 200, log: silentLogger });
}

async function central(url: string): Promise<Store> {
  return openStore({ backend: 'postgres', url });
}

test('an edge ships every face once, with its track, thumbnail and best face; the server down for a while loses and duplicates nothing', async () => {
  const server = await pgServer();
  const url = await server.createDatabase();
  const hub = await central(url); // the clusterer's open creates the schema
  const local = await edgeWith('gate', 10);
  const s = shipper(local, url, 'north');
  await s.flush();
  assert.equal(s.status().state, 'ok');
  assert.equal((await hub.faces.count()).faces, 20);
  // Tracks: two, with the faces of each, and their best face mapped to the central ids.
  const tracks = await hub.tracks.list();
  assert.deepEqual(tracks.map((t) => t.faces), [10, 10]);
  const rows = await hub.db.all<{ local: number; track: number; thumb: Buffer; site: string }>(
    'SELECT f.local_id AS local, t.local_id AS track, f.thumbnail AS thumb, f.site_id AS site FROM faces f JOIN tracks t ON t.id = f.track_id ORDER BY f.local_id',
  );
  const localFaces = await local.db.all<{ id: number; track_id: number; thumbnail: Buffer }>('SELECT id, track_id, thumbnail FROM faces ORDER BY id');
  assert.deepEqual(rows.map((r) => [r.local, r.track, r.thumb.toString(), r.site]), localFaces.map((f) => [f.id, f.track_id, f.thumbnail.toString(), 'north']));
  for (const t of tracks) assert.ok(t.bestFaceId !== null && (await hub.faces.get(t.bestFaceId))!.trackId === t.id);

  // The central server goes down: the edge keeps storing, shipping fails and waits.
  server.pause();
  await edgeWith('gate', 6, local, 10);
  await assert.rejects(s.flush(), (err: unknown) => isFaceidxError(err, 'FACEIDX_DB_UNREACHABLE'));
  assert.equal(s.status().state, 'down');
  assert.equal(s.status().waiting, 12);
  assert.doesNotMatch(JSON.stringify(s.status()), /password/);
  server.start();
  let hub2 = await central(url);
  await s.flush();
  assert.equal(s.status().state, 'ok');
  assert.equal((await hub2.faces.count()).faces, 32);
  // A crash between the central commit and the local cursor: the same faces go again, and are skipped.
  await local.meta.set('central.shipped.faceId', '0');
  await s.flush();
  const dup = await hub2.db.get<{ n: number; d: number }>('SELECT count(*) AS n, count(DISTINCT (site_id, local_id)) AS d FROM faces');
  assert.deepEqual(dup, { n: 32, d: 32 });
  // A batch run's end: the store is down, then back within the wait: everything ships.
  server.pause();
  await edgeWith('gate', 2, local, 16);
  assert.equal(await s.flushUntil(Date.now() + 300), 4, 'a deadline passed: the faces wait');
  setTimeout(() => server.start(), 500);
  assert.equal(await s.flushUntil(Date.now() + 60_000), 0);
  await hub2.close().catch(() => undefined);
  hub2 = await central(url);
  assert.equal((await hub2.faces.count()).faces, 36);
  // The tracks' later changes (closing) arrive too.
  await local.tracks.closeOpen('feed-end');
  await new Promise((r) => setTimeout(r, 30));
  await local.meta.set('central.shipped.trackChange', '0');
  await s.flush();
  assert.deepEqual((await hub2.tracks.list()).map((t) => [t.faces, t.closed, t.endReason]), [10, 10, 6, 6, 2, 2].map((n) => [n, true, 'feed-end']));
  await s.stop();
  await local.close();
  await hub.close().catch(() => undefined);
  await hub2.close();
});

test("a site's role adds only its own faces: it cannot ship as another site, take another site's camera, or read anything", async () => {
  const server = await pgServer();
  const url = await server.createDatabase();
  const hub = await central(url);
  const db = url.slice(url.lastIndexOf('/') + 1, url.indexOf('?'));
  server.psql(
    `CREATE ROLE site_south LOGIN; CREATE ROLE site_east LOGIN;
     GRANT EXECUTE ON FUNCTION faceidx_ingest TO site_south, site_east;
     INSERT INTO sites (id, role, added_at) VALUES ('south', 'site_south', 0), ('east', 'site_east', 0);`,
    db,
  );
  const as = (role: string) => url.replace('postgres@', `${role}@`);
  const south = await edgeWith('platform', 3);
  const s1 = shipper(south, as('site_south'), 'south');
  await s1.flush();
  assert.equal((await hub.faces.count()).faces, 6);

  // East's role shipping as south is refused; so is east claiming south's camera.
  const east = await edgeWith('platform', 2);
  const s2 = shipper(east, as('site_east'), 'south');
  await assert.rejects(s2.flush(), (err: unknown) => isFaceidxError(err, 'FACEIDX_DB_DENIED') && /may not ship faces for site "south"/.test((err as Error).message));
  const s3 = shipper(east, as('site_east'), 'east');
  await assert.rejects(s3.flush(), (err: unknown) => isFaceidxError(err, 'FACEIDX_DB_DENIED') && /camera "platform" belongs to site "south"/.test((err as Error).message));
  assert.equal((await hub.faces.count()).faces, 6, "nothing of south's was changed");

  // The site's role reads nothing.
  const peek = await openStore({ backend: 'postgres', url: as('site_south') }, { readonly: true }).catch((err: unknown) => err);
  assert.ok(isFaceidxError(peek, 'FACEIDX_DB_DENIED'), String(peek));
  for (const x of [s1, s2, s3]) await x.stop();
  await south.close();
  await east.close();
  await hub.close();
});
