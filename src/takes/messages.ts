/** Every user-facing sentence of src/takes/ and `gallop pick`. */

export const pickUsage =
  "gallop pick takes a storyboard, a shot id and a take number, e.g. `gallop pick teaser.yaml hero 2`.";

export const unknownShot = (file: string, shot: string, suggestion: string | undefined) =>
  `${file}: there is no shot \`${shot}\`.` +
  (suggestion ? ` Did you mean \`${suggestion}\`?` : " Run `gallop plan` to list the shots.");

export const badTake = (text: string) =>
  `gallop pick: the take must be a whole number from 1 to 8, not \`${text}\`.`;

export const takeOutOfRange = (shot: string, take: number, takes: number) =>
  takes === 1
    ? `Shot \`${shot}\` has one take, so there is nothing to pick. To generate more, set ` +
      `\`takes: ${Math.max(2, take)}\` on the shot and run \`gallop run\`.`
    : `Shot \`${shot}\` has takes 1-${takes}; take ${take} is not one of them. To generate more, ` +
      `raise \`takes:\` to ${take} and run \`gallop run\`.`;

export const takeNotGenerated = (file: string, shot: string, take: number) =>
  `Take ${take} of \`${shot}\` has not been generated yet. Run \`gallop run ${file}\` first, then pick.`;

export const takeNotSucceeded = (
  file: string,
  shot: string,
  take: number,
  state: string,
  error: string | undefined,
) =>
  `Take ${take} of \`${shot}\` is ${state}${error ? ` (${error})` : ""}, so it has no clip to use. ` +
  `Run \`gallop run ${file}\` to finish it, or pick another take (see \`gallop status ${file}\`).`;

export const takeOutdated = (file: string, shot: string, take: number) =>
  `Take ${take} of \`${shot}\` was generated from an earlier version of the shot (its request ` +
  `changed since). Run \`gallop run ${file}\` to generate the current version, then pick.`;

export const picked = (shot: string, take: number, takes: number, previous: number) =>
  previous === take
    ? `\`${shot}\`: take ${take}/${takes} was already picked; nothing changed.`
    : `\`${shot}\`: picked take ${take}/${takes} (was take ${previous}). The film uses it from now ` +
      "on: run `gallop stitch` (or `gallop run`) to rebuild it.";

/** How plan, status and run show a take: `take 2/3 *picked*`. */
export const takeLabel = (take: number, takes: number, pickedTake: number | undefined) => {
  const picked = (pickedTake ?? 1) === take && (takes > 1 || take > 1) ? " *picked*" : "";
  if (take > takes) return `take ${take} (unused)${picked}`;
  return takes > 1 ? `take ${take}/${takes}${picked}` : `take ${take}`;
};
