/**
 * The one source of faceidx's configuration: types, defaults and documentation.
 * Every object is strict (unknown keys are errors); `load.ts` parses YAML into it and
 * freezes the result. `config/faceidx.example.yaml` documents the same keys for people.
 */
import { z } from 'zod';
import { duration } from './duration.js';
import { centralSchema, clusterSchema, siteId, sitesRules, storagePostgresSchema } from './sites-schema.js';
import { urlCredentials } from '../redact.js';

const cameraId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use 1-64 letters, digits, "_", "-" or "." (e.g. lobby, cam-2)');

export const cameraSchema = z.strictObject({
  /** Unique id, used in logs, the store and the CLI. */
  id: cameraId,
  /** A video file, a folder of images, rtsp://user:pass@host/path or http(s):// stream. */
  url: z.string().min(1, 'give a file, a folder of images, or an rtsp:// or http(s):// URL'),
  /** Frames kept per second. */
  fps: z.number().positive().max(60).default(1),
  /** `keyframes` decodes keyframes only (about 10x cheaper, one frame per GOP at most). */
  decode: z.enum(['all', 'keyframes']).default('all'),
  /** Scale frames wider than this down in ffmpeg (keeps the aspect ratio). */
  maxWidth: z.number().int().min(64).max(8192).optional(),
  /** ffmpeg hardware decoder (`cuda`, `vaapi`, `qsv`, ...); off by default. */
  hwaccel: z.string().min(1).optional(),
  /** Files only: start again at the end instead of finishing. */
  loop: z.boolean().default(false),
  /** RTSP only: transport. */
  rtspTransport: z.enum(['tcp', 'udp']).default('tcp'),
  /**
   * Files only: wall-clock time of the first frame (ISO 8601), used when the container has no
   * `creation_time` tag; without either, the file's modification time (src/feed/footage-time.ts).
   */
  startTime: z.iso.datetime({ offset: true }).optional(),
  /** Image folders only: keep watching the folder for new images. */
  watch: z.boolean().default(false),
  /** Restart ffmpeg when no frame arrived for this long. */
  stallTimeout: duration.default(20_000),
  /** Set false to keep a camera in the file without running it. */
  enabled: z.boolean().default(true),
});

/** Headers faceidx sets on every webhook request. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set(['content-type', 'content-length', 'host', 'x-faceidx-signature', 'x-faceidx-timestamp']);

export const configSchema = z.strictObject({
  /** This daemon's site (an edge shipping to a central store; `store copy`'s rows): unique per site. */
  site: siteId.optional(),
  storage: z.strictObject({
    /**
     * Folder for the database (SQLite), the index, the graph and the status files; created 0700.
     * With backend postgres it holds the clusterer's copy of the index and graph.
     */
    dir: z.string().min(1, 'give a folder, e.g. /var/lib/faceidx'),
    /** `sqlite` (one machine, the file in storage.dir) or `postgres` (the store shared by many sites). */
    backend: z.enum(['sqlite', 'postgres']).default('sqlite'),
    postgres: storagePostgresSchema.optional(),
    /** Store a JPEG thumbnail of every face (needed for montages). */
    thumbnails: z.boolean().default(true),
    /** JPEG quality of thumbnails, 1-100. */
    thumbnailQuality: z.number().int().min(1).max(100).default(85),
  }),
  cameras: z.array(cameraSchema).default([]),
  central: centralSchema.optional(),
  cluster: clusterSchema.prefault({}),
  detector: z
    .strictObject({
      /**
       * The face detector: `yunet` (YuNet-n, vendored in models/yunet: finds 10-300 px faces in
       * real footage, with five landmarks) or `ssd` (face-api's SSD MobileNetV1 cascade; kept for
       * `--align faceapi`, parity with face-api and comparison). Measured in src/faces/NOTES.md.
       */
      model: z.enum(['yunet', 'ssd']).default('yunet'),
      /**
       * yunet: frames wider than this are scaled down to this width for the detector (boxes and
       * points map back to frame pixels); 0 never scales. 640 measured best on the six Intel clips
       * scaled to 1920x1080 (src/faces/NOTES.md): all 181 faces and no false box, at about a ninth
       * of the full frame's pixels; 800-1280 found false boxes on the upscaled blur, full size
       * missed 8% of the faces (too large and blurred). Its limit: a face lower than about 30 px in
       * a 1080p frame is 10 px at the detector and is lost; raise it for distant faces in sharp
       * high-resolution footage.
       */
      inputWidth: z.number().int().min(0).max(8192).default(640),
      /**
       * Minimum detection score, 0-1. Default: 0.5 for ssd; 0.7 for yunet, measured
       * (src/faces/NOTES.md): on the six Intel clips every real face scored >= 0.76 and every
       * false box (a patterned vest below a face) <= 0.60; LFW faces score >= 0.89.
       */
      minScore: z.number().min(0).max(1).optional(),
      /** IoU above which overlapping detections are merged (non-maximum suppression). */
      nmsIou: z.number().gt(0).max(1).default(0.5),
      /**
       * Faces smaller than this (box height, pixels) are ignored entirely. Default: 20 for ssd;
       * 10 for yunet, which is built for 10-300 px faces and finds the 12-16 px faces of the
       * classroom clip (the quality gate, quality.minFaceHeight, still keeps them out of clustering).
       */
      minFaceSize: z.number().int().min(1).optional(),
      /** Largest image side handled; bigger frames are downscaled first. */
      maxImageSide: z.number().int().min(64).max(16384).default(4096),
      /**
       * Extra detector passes with the frame centred on a larger canvas (the SSD misses faces that
       * fill the frame, like passport photos or a face right in front of a doorbell camera):
       * `off`, `empty` (only while no face was found: the passes run in order and stop at the
       * first that finds one) or `always` (every pass on every frame, merged). Default: `empty`
       * for ssd; `off` for yunet, which found a face in all 5,368 lfw-dev images without them
       * (SSD alone: 10.3% without a face), so they would only cost two more detector runs on
       * every frame without a face.
       */
      padPass: z.enum(['off', 'empty', 'always']).optional(),
      /** Canvas sizes of the padded passes, as multiples of the frame's longer side, in order. */
      padFactors: z.array(z.number().min(1.1).max(4)).min(1).max(4).default([2, 3]),
      /** Last resort after the padded passes: the largest one again on the mirrored frame. */
      padMirror: z.boolean().default(true),
      /**
       * The daemon skips the detector on a frame of a fixed camera that shows the same scene as
       * its last analysed frame without a face: no block of a 64x36 grid of grey means moved by
       * this much (0-255). 0 analyses every frame. Saves the detector passes on empty, static scenes.
       */
      skipStatic: z.number().min(0).max(255).default(8),
      /**
       * yunet: the small-face pass (src/faces/smallfaces.ts) for frames wider than 1.5 times
       * inputWidth, where faces under about 35 px vanish when the frame is scaled down. Measured
       * on 1080p crowd footage in src/faces/NOTES.md ("Small faces in 1080p crowds").
       */
      smallFaces: z
        .strictObject({
          /**
           * `off`; `tiles`: the whole frame again in tiles at `tileScale` on every frame; `tracks`:
           * tiles on a keyframe every `every` ms, and between keyframes a window around each small
           * face the camera's tracks saw last.
           */
          mode: z.enum(['off', 'tiles', 'tracks']).default('tracks'),
          /** Frame pixels -> detector pixels in the windows (1: full resolution). */
          scale: z.number().gt(0).max(2).default(1),
          /**
           * Frame pixels -> detector pixels in the keyframe tiles. 2/3 (detecting at 1280 on
           * 1080p) found as many faces over 24 px as full resolution on the crowd clips at half
           * the cost; full resolution finds more faces under 24 px.
           */
          tileScale: z.number().gt(0).max(2).default(2 / 3),
          /** mode tracks: frame time between keyframes (the whole frame in tiles)... */
          every: duration.default(1000),
          /** ...and at least this many analysed frames between them (bounds the cost at low frame rates). */
          minFrames: z.number().int().min(1).max(1000).default(3),
          /** mode tracks: faces lower than this (frame pixels) get a window between keyframes. */
          maxHeight: z.number().min(1).max(1000).default(60),
          /** mode tracks: a window reaches this many face heights beyond the face on each side. */
          margin: z.number().min(0).max(20).default(2),
          /** mode tracks: at most this many windows per frame (the smallest faces first). */
          maxWindows: z.number().int().min(0).max(100).default(16),
          /**
           * mode tracks: boxes of the whole-frame pass scoring at least this (but under minScore)
           * and lower than maxHeight are looked at again in a window at `scale`; 0 turns it off.
           */
          candidateScore: z.number().min(0).max(1).default(0),
          /**
           * mode tracks: a face of the camera's last two frames lower than this (frame pixels)
           * that no detection of this frame overlaps (turned, occluded, or too small this time) is
           * looked for again in a window at `scale`; 0 turns it off.
           */
          recheckHeight: z.number().min(0).max(1000).default(80),
        })
        .prefault({}),
    })
    .prefault({}),
  inference: z
    .strictObject({
      /** `auto` tries CUDA, then CPU; `webgpu` reaches a GPU through Vulkan. */
      device: z.enum(['auto', 'cpu', 'cuda', 'webgpu']).default('auto'),
      /** onnxruntime intra-op threads; 0 lets onnxruntime choose. */
      threads: z.number().int().min(0).max(256).default(0),
      /**
       * Run face inference in this many worker threads, each with its own models and `threads`
       * onnxruntime threads: the main thread stays free and several cores work on several
       * cameras' frames at once. 0 runs inference in the main thread. Default: 2 on machines with
       * 2 or more cores (each with 1 onnxruntime thread unless `threads` is set), else 0.
       */
      workers: z.number().int().min(0).max(64).optional(),
      /** Faces embedded together. */
      batchSize: z.number().int().min(1).max(1024).default(32),
      /** Longest wait for a batch to fill. */
      batchWait: duration.default(50),
      /**
       * Face crop for the descriptor: `dlib68` (dlib's chip fitted to 33 of the 68 landmarks),
       * `similarity` (dlib's 5-point chip), `five` (the chip fitted to the detector's five points:
       * eye centres, nose tip, mouth corners; no landmark net with yunet) or `faceapi` (face-api's
       * own crop with the SSD detector, for parity). dlib68 with yunet: 99.22% on lfw-dev
       * verification (all 6,000 pairs, no miss) against 98.93% for `five` (src/faces/NOTES.md).
       */
      align: z.enum(['dlib68', 'similarity', 'faceapi', 'five']).default('dlib68'),
      /** Where built ONNX models are cached; default `<storage.dir>/models`. */
      modelDir: z.string().min(1).optional(),
    })
    .prefault({}),
  /**
   * The quality gate. A face that fails it is stored as a sighting of its track: it belongs to
   * the track's person but is not indexed and never links two people; a track made only of such
   * faces is a person of its own, seen only at low resolution (src/people/video.ts).
   */
  quality: z
    .strictObject({
      /**
       * Faces lower than this (box height, pixels) are stored as sightings but not clustered:
       * too small to identify, they follow their track and never join two people. 60, where the
       * descriptor starts to count fully in linking (tracks.descriptorHeight): on 1080p crowd
       * footage 40-55 px faces of different people sat 0.45-0.5 apart and chained people together
       * at 40 (4 people holding two of the 11 labelled ones; 1 at 60, an occlusion); the six
       * sample clips give the same ten people at 40 and 60 (src/faces/NOTES.md, "Small faces in
       * 1080p crowds").
       */
      minFaceHeight: z.number().min(0).default(60),
      /** Minimum sharpness (variance of the Laplacian on the aligned chip); 0 turns it off. */
      minSharpness: z.number().min(0).default(0),
      /** Minimum detection score for clustering. */
      minScore: z.number().min(0).max(1).default(0.5),
      /** Minimum distance between the eye centres (pixels) for clustering; 0 turns it off. */
      minEyeDistance: z.number().min(0).default(0),
      /**
       * Largest head turn for clustering: the nose tip's offset from the midpoint of the eyes, in
       * eye distances (0 frontal, 0.5 nose above an eye: a strongly turned head). 0 turns it off.
       * 0.6: on 1080p crowd footage blurred profiles (a man's profile, a woman crossing close to
       * the camera) were clustered into a head-down man's person; at 0.6 they are sightings of
       * their own tracks (src/faces/NOTES.md, "Small faces in 1080p crowds"). lfw-dev BCubed F1
       * 0.9390 / 0.9392 (incremental / batch; 0.9395 / 0.9393 off), 0.9742 / 0.9744 on identities
       * with >= 5 images (0.9749 / 0.9719 off): 6 of 6,274 faces turned further; the talking
       * heads F1 0.997 (0.996 off). At 0.5 lfw-dev lost more (0.937).
       */
      maxYaw: z.number().min(0).default(0.6),
      /**
       * Smallest distance between the eye centres for clustering, as a share of the face box's
       * height; 0 turns it off. A face seen from the front or the side up to maxYaw has its eyes
       * 0.17-0.41 of its height apart (lfw-dev 0.215-0.411, the sample clips 0.22 or more, the
       * talking heads 0.167 or more but for one face blurred past recognition at 0.125); YuNet's
       * boxes on the back of a head or on hair, on 1080p crowd footage, had 0.06-0.09, and one
       * was clustered with a hair box of another person (src/faces/NOTES.md).
       */
      minEyeRatio: z.number().min(0).max(1).default(0.12),
    })
    .prefault({}),
  index: z
    .strictObject({
      /** HNSW graph degree. */
      M: z.number().int().min(4).max(128).default(16),
      efConstruction: z.number().int().min(10).max(2000).default(200),
      /** Search breadth (higher: better recall, slower queries). */
      ef: z.number().int().min(10).max(2000).default(64),
    })
    .prefault({}),
  clustering: z
    .strictObject({
      /**
       * Euclidean distance under which two descriptors may be the same person (an edge of the
       * kNN graph).
       */
      threshold: z.number().gt(0).max(2).default(0.5),
      /**
       * After Chinese whispers, merge two clusters that share an edge when the mean distance over
       * all pairs of their faces is under this: one person seen on several cameras (or visits)
       * forms one dense cluster per visit that plain CW keeps apart. 0 turns it off. 0.54:
       * with YuNet, which also keeps turned faces, one person's tracks on the demo's cameras sit
       * 0.515-0.529 apart on average and different people 0.586 or more; lfw-dev BCubed F1 0.9395 /
       * 0.9393 (incremental / batch) at 0.54, 0.9415 / 0.9417 at 0.5, 0.9382 / 0.9387 at 0.55.
       */
      mergeAverage: z.number().min(0).max(2).default(0.54),
      /**
       * ...unless that mean exceeds the clusters' own spread (mean distance within each) by this
       * much or more: two tight clusters far apart relative to their spread are two people
       * (src/cluster/linkage.ts has the measurements). 0 turns the check off.
       */
      mergeGap: z.number().min(0).max(2).default(0.2),
      /**
       * A face leaves its own cluster only for neighbours whose summed edge weight beats one edge
       * at this distance (its vote for itself), so one weak link does not pull it into a crowd of
       * look-alikes. At or above `threshold`: off (plain Chinese whispers).
       */
      joinDistance: z.number().min(0).max(2).default(0.48),
      /** Neighbours queried per new face. */
      k: z.number().int().min(1).max(200).default(20),
      /** People with fewer faces are kept but hidden by default (unconfirmed). */
      minFaces: z.number().int().min(1).default(3),
      /** Full re-cluster period; 0 turns the schedule off. */
      reclusterEvery: duration.default(3_600_000),
      /** Seed of the random generator, so runs are repeatable. */
      seed: z.number().int().default(1),
      /** Edge weight from the distance d: `linear` 1 - d/threshold, `gaussian` exp(-4 (d/threshold)^2), `binary` 1 (dlib). */
      weight: z.enum(['linear', 'gaussian', 'binary']).default('linear'),
    })
    .prefault({}),
  /**
   * Face tracks (src/tracks): each camera's faces linked frame to frame, one track per person
   * passing through. Defaults measured with scripts/tracks-study.ts on the six Intel clips and
   * the 14 talking-head clips at 1, 2 and 4 fps (SSD cascade; README "Face tracks").
   */
  tracks: z
    .strictObject({
      /**
       * A track ends when its face was not seen for longer than this (frame time). 1 s broke
       * more tracks (34 against 31 at 1 fps, 42 against 41 at 4 fps); 2-5 s gave the same
       * tracks: 3 s lets a 1 fps camera miss two detections in a row.
       */
      maxGap: duration.default(3000),
      /**
       * Largest move of a face between two analysed frames, in face heights per second of gap,
       * measured from where its track's constant velocity puts it (never under one face height).
       * The clips move at most 2.3 face heights per second (median 0.1); 2, 4 and 8 gave the same
       * tracks. 4 leaves room for people walking across the view.
       */
      maxMove: z.number().positive().max(100).default(4),
      /**
       * Descriptor distance to the track's aggregate above which a face does not continue the
       * track: it starts a new one (the track splits there; one odd face does not end the old
       * track). Smaller faces get a looser limit (descriptorHeight). 0.35/0.4/0.45/0.5/0.55/0.6
       * gave 98/65/52/41/39/38 tracks at 4 fps for the 23 people-in-a-shot the detector found,
       * with no track taking two people at any value; 0.5 is the clustering threshold: a face
       * further than that from its own track is no evidence of the same person.
       */
      maxDistance: z.number().gt(0).max(2).default(0.5),
      /**
       * Face height (px) from which the descriptor counts fully in linking; its weight falls
       * linearly to 0 at half this height, where faces link by position alone. Consecutive
       * 25 px faces of one seated person are 0.4-0.7 apart (the descriptor says nothing there),
       * 60 px and larger ones 0.25 (median). 30/60/100 gave 41/41/40 tracks.
       */
      descriptorHeight: z.number().min(0).max(1000).default(60),
      /**
       * A scene cut ends every track of the camera: the frame's 64x36 grid of grey block means
       * correlates less than this with the camera's previous frame (a shot change, a camera
       * turned or moved). The four shot changes of the Hamilton clip correlate 0.01-0.18;
       * frames within one shot 0.32 (hand-held pan) to 1, talking heads at 1 fps 0.44 or more.
       * 0 turns it off.
       */
      sceneCut: z.number().min(0).max(1).default(0.25),
      /**
       * A track's descriptor for matching is the quality-weighted mean of this many of its best
       * faces. 1/3/5/10 gave 45/43/41/41 tracks at 4 fps: 5 is where averaging stops helping.
       */
      bestFaces: z.number().int().min(1).max(100).default(5),
      /** Track quality: box height (px) that earns full size credit. */
      goodHeight: z.number().min(13).max(2000).default(80),
      /**
       * Track quality: sharpness (variance of the Laplacian on the aligned chip) that earns half
       * credit. Faces measure 30-440 (p10-p90) in the talking-head videos, 0-17 in the 256-colour
       * Intel GIFs; at 20 the clearly blurred faces of a talking-head clip (sharpness 6) count a
       * quarter and ordinary video faces 0.9 or more.
       */
      sharpnessHalf: z.number().min(0).default(20),
    })
    .prefault({}),
  retention: z
    .strictObject({
      /** Forget faces older than this; 0 keeps everything. */
      maxAge: duration.default(0),
    })
    .prefault({}),
  queue: z
    .strictObject({
      /** Frames waiting per camera before the oldest are dropped. */
      maxFrames: z.number().int().min(1).max(1000).default(8),
    })
    .prefault({}),
  alerts: z
    .strictObject({
      /** Compare tracks with the watch list (`faceidx watch add`) and raise alerts; false raises none (pending ones are still delivered). */
      enabled: z.boolean().default(true),
      /**
       * A track matches a watch entry when its descriptor is closer than this (Euclidean) to one of
       * the entry's photos. Default 0.54, a false-accept rate of 0.1% on lfw-dev: 3 of the 3,000
       * different-person pairs of lfw-dev-pairs.txt are closer and 91.9% of its 3,000 same-person
       * pairs are; over every pair of 5,846 lfw-dev images (17 M different-person pairs) 0.098% and
       * 94.0%. 0.475 gives 0.01% and 77%; the verification threshold 0.62 accepts 1.2% of
       * strangers (scripts/watch-threshold.ts; README "Watch list and alerts").
       */
      threshold: z.number().gt(0).max(2).default(0.54),
      /** First retry of a failed delivery after this; each further retry waits twice as long... */
      retryInitial: duration.default(1000),
      /** ...up to this. */
      retryMax: duration.default(300_000),
      webhook: z
        .strictObject({
          /**
           * POST every alert here as JSON (https://; http:// only to a loopback host unless
           * allowPlainHttp); unset: no webhook. No credentials in it (user:password@, ?token=...):
           * they would show wherever the URL does; use `headers` and `secret`.
           */
          url: z
            .string()
            .regex(/^https?:\/\/[^\s]+$/, 'give an http:// or https:// URL')
            .superRefine((url, ctx) => {
              const creds = urlCredentials(url);
              if (creds) {
                ctx.addIssue({
                  code: 'custom',
                  message: `holds credentials (${creds}), which would be shown wherever the URL is and which fetch refuses: remove them; send a token with alerts.webhook.headers (e.g. Authorization: "Bearer \${FACEIDX_WEBHOOK_TOKEN}") and sign with alerts.webhook.secret`,
                });
              }
            })
            .optional(),
          /**
           * When set, each request carries X-Faceidx-Timestamp: <unix seconds> and
           * X-Faceidx-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with this secret>
           * (README "Watch list and alerts": how a receiver checks it).
           */
          secret: z.string().min(1).optional(),
          /** Extra request headers, e.g. Authorization: "Bearer ${TOKEN}" (values are never logged). */
          headers: z
            .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a header name is letters, digits and -'), z.string().regex(/^[^\r\n]*$/, 'a header value is one line'))
            .refine((h) => !Object.keys(h).some((k) => RESERVED_HEADERS.has(k.toLowerCase())), `faceidx sets ${[...RESERVED_HEADERS].join(', ')} itself: remove them from alerts.webhook.headers`)
            .default({}),
          /**
           * Allow http:// (unencrypted) to a host other than loopback: the payload carries face
           * images, so the default refuses it; say true only on a network you trust.
           */
          allowPlainHttp: z.boolean().default(false),
          /** Longest wait for the receiver's answer. */
          timeout: duration.default(5000),
          /** Failed attempts before a delivery is given up (`failed`); `unlimited` retries until delivered. */
          retries: z.union([z.literal('unlimited'), z.number().int().min(0)]).default('unlimited'),
        })
        .prefault({}),
      mqtt: z
        .strictObject({
          /** Publish every alert to this broker (mqtt://, mqtts://, ws://, wss://); unset: no MQTT. */
          url: z.string().regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'give an mqtt://host:port (or mqtts://, ws://, wss://) URL').optional(),
          /** Topic of the alert messages (QoS 1, not retained). */
          topic: z.string().min(1).regex(/^[^#+]+$/, 'a topic to publish to has no wildcards (+ or #)').default('faceidx/alerts'),
          /** Longest wait for the broker's acknowledgement (PUBACK). */
          timeout: duration.default(5000),
          /** Failed attempts before a delivery is given up (`failed`); `unlimited` retries until delivered. */
          retries: z.union([z.literal('unlimited'), z.number().int().min(0)]).default('unlimited'),
        })
        .prefault({}),
    })
    .prefault({}),
  investigate: z
    .strictObject({
      /**
       * Seen with: another person counts as seen with someone when a camera saw both at most this
       * far apart (0: in the same frame only). Used by `faceidx seen-with`, the report and the
       * review page; `--window` overrides it.
       */
      seenWithWindow: duration.default(10_000),
      /** Sightings on one camera less than this apart are one visit (`faceidx route`, the review page). */
      visitGap: duration.default(300_000),
    })
    .prefault({}),
  serve: z
    .strictObject({
      /** Address `faceidx serve` listens on; the default is this machine only. */
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(1).max(65535).default(8090),
      /** HTTPS with this certificate and key (PEM files); unset: plain HTTP (keep host on 127.0.0.1 then). */
      tls: z
        .strictObject({
          cert: z.string().min(1, 'give the path of the PEM certificate'),
          key: z.string().min(1, 'give the path of the PEM private key'),
        })
        .optional(),
      /** A session unused for this long ends (log in again). */
      sessionIdle: duration.default(12 * 3_600_000),
      /** A session ends this long after the login, used or not. */
      sessionMax: duration.default(7 * 24 * 3_600_000),
      /** Login attempts allowed per client address within loginWindow; more are refused (HTTP 429). */
      loginAttempts: z.number().int().min(1).max(1000).default(10),
      loginWindow: duration.default(300_000),
      /** People per page of the people grid. */
      pageSize: z.number().int().min(10).max(500).default(60),
      /** How often the store is checked for new people and alerts (live updates). */
      pollInterval: duration.default(1000),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    })
    .prefault({}),
  shutdown: z
    .strictObject({
      /** SIGTERM/SIGINT: longest wait for the in-flight work before exiting anyway. */
      deadline: duration.default(10_000),
    })
    .prefault({}),
}).superRefine((cfg, ctx) => {
  sitesRules(cfg, ctx);
  const hook = cfg.alerts.webhook;
  if (hook.url && !hook.allowPlainHttp && plainHttpElsewhere(hook.url)) {
    ctx.addIssue({
      code: 'custom',
      path: ['alerts', 'webhook', 'url'],
      message: 'plain http:// to a host other than this machine would send face images unencrypted: use https://, or set alerts.webhook.allowPlainHttp: true on a network you trust',
    });
  }
  const seen = new Map<string, number>();
  cfg.cameras.forEach((cam, i) => {
    const first = seen.get(cam.id);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['cameras', i, 'id'],
        message: `duplicate camera id "${cam.id}" (also cameras.${first}.id): give each camera its own id`,
      });
    } else {
      seen.set(cam.id, i);
    }
  });
});

/** An http:// URL whose host is not loopback (localhost, 127.0.0.0/8, ::1). */
export function plainHttpElsewhere(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false; // the URL check reports it
  }
  if (u.protocol !== 'http:') return false;
  const host = u.hostname.toLowerCase();
  return !(host === 'localhost' || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]');
}

/** The validated, defaulted configuration. */
export type Config = z.output<typeof configSchema>;
export type CameraConfig = z.output<typeof cameraSchema>;
/** The configuration as written in a file (defaults optional). */
export type ConfigInput = z.input<typeof configSchema>;
