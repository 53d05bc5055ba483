/**
 * The one source of faceidx's configuration: types, defaults and documentation.
 * Every object is strict (unknown keys are errors); `load.ts` parses YAML into it and
 * freezes the result. `config/faceidx.example.yaml` documents the same keys for people.
 */
import { z } from 'zod';
import { parseDuration } from './duration.js';

/** A duration as "500ms", "30s", "5m", "12h", "30d", "2w" or a number of seconds. Parsed to ms. */
const duration = z
  .union([z.number().nonnegative(), z.string()])
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a duration: use a number of seconds or e.g. 500ms, 30s, 5m, 12h, 30d, 2w`,
      });
      return z.NEVER;
    }
    return ms;
  });

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
  /** Files only: wall-clock time of the first frame (ISO 8601); default the file's modification time. */
  startTime: z.iso.datetime({ offset: true }).optional(),
  /** Image folders only: keep watching the folder for new images. */
  watch: z.boolean().default(false),
  /** Restart ffmpeg when no frame arrived for this long. */
  stallTimeout: duration.default(20_000),
  /** Set false to keep a camera in the file without running it. */
  enabled: z.boolean().default(true),
});

export const configSchema = z.strictObject({
  storage: z.strictObject({
    /** Folder for the database, the index and thumbnails; created 0700. */
    dir: z.string().min(1, 'give a folder, e.g. /var/lib/faceidx'),
    /** Store a JPEG thumbnail of every face (needed for montages). */
    thumbnails: z.boolean().default(true),
    /** JPEG quality of thumbnails, 1-100. */
    thumbnailQuality: z.number().int().min(1).max(100).default(85),
  }),
  cameras: z.array(cameraSchema).default([]),
  detector: z
    .strictObject({
      /** Minimum detection score, 0-1. */
      minScore: z.number().min(0).max(1).default(0.5),
      /** IoU above which overlapping detections are merged (non-maximum suppression). */
      nmsIou: z.number().gt(0).max(1).default(0.5),
      /** Faces smaller than this (box height, pixels) are ignored entirely. */
      minFaceSize: z.number().int().min(1).default(20),
      /** Largest image side handled; bigger frames are downscaled first. */
      maxImageSide: z.number().int().min(64).max(16384).default(4096),
      /**
       * Extra detector passes with the frame centred on a larger canvas (the SSD misses faces that
       * fill the frame, like passport photos or a face right in front of a doorbell camera):
       * `off`, `empty` (only while no face was found: the passes run in order and stop at the
       * first that finds one) or `always` (every pass on every frame, merged).
       */
      padPass: z.enum(['off', 'empty', 'always']).default('empty'),
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
       * `similarity` (dlib's 5-point chip) or `faceapi` (face-api's own crop, for parity).
       */
      align: z.enum(['dlib68', 'similarity', 'faceapi']).default('dlib68'),
      /** Where built ONNX models are cached; default `<storage.dir>/models`. */
      modelDir: z.string().min(1).optional(),
    })
    .prefault({}),
  quality: z
    .strictObject({
      /** Faces lower than this (box height, pixels) are stored as sightings but not clustered. */
      minFaceHeight: z.number().min(0).default(40),
      /** Minimum sharpness (variance of the Laplacian on the aligned chip); 0 turns it off. */
      minSharpness: z.number().min(0).default(0),
      /** Minimum detection score for clustering. */
      minScore: z.number().min(0).max(1).default(0.5),
      /** Minimum distance between the eye centres (pixels) for clustering; 0 turns it off. */
      minEyeDistance: z.number().min(0).default(0),
      /**
       * Largest head turn for clustering: the nose tip's offset from the midpoint of the eyes, in
       * eye distances (0 frontal, 0.5 nose above an eye: a strongly turned head). 0 turns it off.
       * Off by default: at 0.5 it kept a profile frame out of the wrong person on the Hamilton
       * clip, but it also dropped every audience member seen in three-quarter view from the
       * people list (scripts/clips-eval.ts --set quality.maxYaw=0.5).
       */
      maxYaw: z.number().min(0).default(0),
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
       * forms one dense cluster per visit that plain CW keeps apart. 0 turns it off.
       */
      mergeAverage: z.number().min(0).max(2).default(0.5),
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
          /** POST every alert here as JSON (http:// or https://); unset: no webhook. */
          url: z.string().regex(/^https?:\/\/[^\s]+$/, 'give an http:// or https:// URL').optional(),
          /** When set, each request carries X-Faceidx-Signature: sha256=<HMAC-SHA256 of the body with this secret>. */
          secret: z.string().min(1).optional(),
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

/** The validated, defaulted configuration. */
export type Config = z.output<typeof configSchema>;
export type CameraConfig = z.output<typeof cameraSchema>;
/** The configuration as written in a file (defaults optional). */
export type ConfigInput = z.input<typeof configSchema>;
