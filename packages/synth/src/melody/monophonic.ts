export type TimedNote = { midi: number; start: number; end: number };

/**
 * Pieces shorter than this are dropped: they come from chords whose notes start or stop a few
 * milliseconds apart, not from anything a singer would sing.
 */
export const MIN_PIECE_SECONDS = 0.04;

type Active = TimedNote & { order: number };

/**
 * One voice out of overlapping notes: at every moment the highest sounding note wins (the
 * later-started one among equals, as a new attack). A note is cut where a higher one starts; a
 * lower note that outlasts a higher one sounds again from where the higher one ends, so a legato
 * overlap into a lower note simply moves that note's start. Input order does not matter.
 */
export function monophonic(notes: TimedNote[]): TimedNote[] {
  const sorted: Active[] = notes
    .filter((note) => note.end > note.start)
    .map((note, order) => ({ ...note, order }))
    .sort((a, b) => a.start - b.start || a.order - b.order);
  const ends = sorted.map((note) => note.end).sort((a, b) => a - b);

  const pieces: Array<TimedNote & { source: Active }> = [];
  const active: Active[] = [];
  let next = 0; // next note to start
  let endIndex = 0;
  let time = sorted[0]?.start ?? 0;

  while (next < sorted.length || active.length > 0) {
    while (next < sorted.length && (sorted[next]?.start ?? 0) <= time) {
      const note = sorted[next++];
      if (note) active.push(note);
    }
    for (let i = active.length - 1; i >= 0; i--) if ((active[i]?.end ?? 0) <= time) active.splice(i, 1);
    // The next moment anything changes.
    while (endIndex < ends.length && (ends[endIndex] ?? 0) <= time) endIndex++;
    const nextStart = sorted[next]?.start ?? Infinity;
    const nextEnd = ends[endIndex] ?? Infinity;
    const until = Math.min(nextStart, nextEnd);
    if (active.length === 0) {
      if (until === Infinity) break;
      time = until;
      continue;
    }
    let winner = active[0] as Active;
    for (const note of active) {
      if (note.midi > winner.midi || (note.midi === winner.midi && note.start >= winner.start)) winner = note;
    }
    const last = pieces[pieces.length - 1];
    // The same note going on, or a held note of the same pitch coming back without a new attack.
    const continues = last && last.end === time && (last.source === winner || (last.midi === winner.midi && winner.start < time));
    if (last && continues) last.end = until;
    else pieces.push({ midi: winner.midi, start: time, end: until, source: winner });
    time = until;
  }
  return pieces
    .filter((piece) => piece.end - piece.start >= MIN_PIECE_SECONDS)
    .map(({ midi, start, end }) => ({ midi, start, end }));
}
