/**
 * End to end on all six sample clips as six cameras at 4 fps (the demo), against who is really
 * there (ten people, checked by eye): the woman of the desk clips on three cameras, the man on
 * two, the bald man and the blonde woman standing beside her in the hall, the two walkers, and
 * four seated people in the classroom whose faces are too small to identify. Detection (YuNet),
 * tracks, and the video constraints all have to work for this to hold.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, killLeftovers, makeConfig, query, SAMPLES, startDaemon, type Camera } from './harness.js';

after(killLeftovers);

const clip = (id: string, file: string): Camera => ({ id, url: join(SAMPLES, file), fps: 4 });
const CAMERAS = [
  clip('classroom', 'classroom.mp4'),
  clip('hall-walk', 'face-demographics-walking.mp4'),
  clip('hall-pause', 'face-demographics-walking-and-pause.mp4'),
  clip('desk-female', 'head-pose-face-detection-female.mp4'),
  clip('desk-male', 'head-pose-face-detection-male.mp4'),
  clip('desk-both', 'head-pose-face-detection-female-and-male.mp4'),
];

interface Person {
  id: number;
  faces: number;
  cameras: string[];
  tracks: number;
  identified: boolean;
}

test('six cameras: the ten people who were there, two of them across cameras, nobody twice in one frame', { timeout: 600_000 }, async () => {
  const { file, storage } = makeConfig(CAMERAS);
  const d = startDaemon(file, ['--until-done']);
  const { code } = await d.exited;
  assert.equal(code, 0, d.output());
  const people = JSON.parse(cli(['people', '--config', file, '--json']).stdout) as Person[];
  const summary = JSON.stringify(people.map((p) => [p.faces, p.cameras.join('+'), p.identified]));
  assert.equal(people.length, 10, summary);
  const on = (cams: string[]) => people.filter((p) => p.cameras.join('+') === cams.join('+'));
  assert.equal(on(['desk-both', 'desk-female', 'hall-pause']).length, 1, `the woman on three cameras: ${summary}`);
  assert.equal(on(['desk-both', 'desk-male']).length, 1, `the man on two cameras: ${summary}`);
  assert.equal(on(['hall-pause']).length, 2, summary);
  assert.equal(on(['hall-walk']).length, 2, summary);
  const seated = on(['classroom']);
  assert.equal(seated.length, 4, summary);
  assert.ok(seated.every((p) => !p.identified), 'the classroom faces are too small to identify: seen only at low resolution');
  const status = JSON.parse(cli(['status', '--config', file, '--json']).stdout) as { totals: { persons: number; lowResolution: number } };
  assert.deepEqual(status.totals.lowResolution, people.filter((p) => !p.identified).length, 'status counts the people seen only at low resolution');

  const [twice] = await query<{ n: number }>(
    storage,
    'SELECT count(*) AS n FROM (SELECT fp.person_id, f.camera_id, f.ts FROM faces f JOIN face_person fp ON fp.face_id = f.id GROUP BY 1, 2, 3 HAVING count(*) > 1)',
  );
  assert.equal(twice!.n, 0, 'no person holds two faces of one frame');
  const [unassigned] = await query<{ n: number }>(storage, 'SELECT count(*) AS n FROM faces f WHERE NOT EXISTS (SELECT 1 FROM face_person fp WHERE fp.face_id = f.id)');
  assert.equal(unassigned!.n, 0, 'every face belongs to a person');
});
