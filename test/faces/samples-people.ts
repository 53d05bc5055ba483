/**
 * How many people each shipped clip in samples/ shows, all of them in every frame (checked by
 * eye; the same clips' GROUND-TRUTH.md in the shared data, summarised in samples/ATTRIBUTION.md).
 */
export const SAMPLE_PEOPLE: Readonly<Record<string, number>> = {
  'classroom.mp4': 4,
  'face-demographics-walking.mp4': 2,
  'face-demographics-walking-and-pause.mp4': 3,
  'head-pose-face-detection-female.mp4': 1,
  'head-pose-face-detection-male.mp4': 1,
  'head-pose-face-detection-female-and-male.mp4': 2,
};
