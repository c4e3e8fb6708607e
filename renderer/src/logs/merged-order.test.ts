import { describe, expect, it } from 'vitest';
import { LineIndex } from './line-index';
import { ALL_PROCESSES, LogBook } from './log-book';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 30, 12) + ms).toISOString();

describe('the merged view', () => {
  it('interleaves history and live lines of all processes by time, the same whatever the arrival order', () => {
    const lines = [
      { processId: 'a', data: 'a1', timestamp: at(1) },
      { processId: 'b', data: 'b1', timestamp: at(1) },
      { processId: 'a', data: 'a2', timestamp: at(2) },
      { processId: 'b', data: 'b3', timestamp: at(3) },
      { processId: 'a', data: 'a3', timestamp: at(3) },
    ];
    const texts = (order: typeof lines, batch: number) => {
      const book = new LogBook();
      order.forEach((l, i) => {
        book.addOutput(l);
        if ((i + 1) % batch === 0) book.commit();
      });
      book.commit();
      return book.lines(ALL_PROCESSES).map((l) => l.text);
    };
    const expected = ['a1', 'b1', 'a2', 'a3', 'b3'];
    expect(texts(lines, 1)).toEqual(expected);
    // One process's replay after the other's, in one batch or line by line.
    const byProcess = [...lines.filter((l) => l.processId === 'b'), ...lines.filter((l) => l.processId === 'a')];
    expect(texts(byProcess, 1)).toEqual(expected);
    expect(texts(byProcess, 100)).toEqual(expected);
  });

  it('orders batches of many runs (answers of several processes, shuffled live lines) as one sort would', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 20; round++) {
      const processes = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
      // Each process's own lines in order (as a process prints them), times often equal across processes.
      const perProcess = processes.map((id) => {
        let t = 0;
        return Array.from({ length: 40 + Math.floor(random() * 60) }, (_, i) => ({ processId: id, data: `${id} ${i}`, timestamp: at((t += Math.floor(random() * 3))) }));
      });
      // Arrival: whole answers one after another in a random order, or the lines interleaved at random.
      const arrival: { processId: string; data: string; timestamp: string }[] = [];
      if (round % 2 === 0) {
        for (const j of processes.map((_, j) => j).sort(() => random() - 0.5)) arrival.push(...(perProcess[j] ?? []));
      } else {
        const cursors = perProcess.map(() => 0);
        while (cursors.some((c, j) => c < (perProcess[j]?.length ?? 0))) {
          const j = Math.floor(random() * processes.length);
          const line = perProcess[j]?.[cursors[j] as number];
          if (line) arrival.push(line);
          cursors[j] = (cursors[j] as number) + 1;
        }
      }
      const expected = perProcess
        .flat()
        .map((l, order) => ({ ...l, order }))
        .sort((x, y) => (x.timestamp < y.timestamp ? -1 : x.timestamp > y.timestamp ? 1 : x.processId < y.processId ? -1 : x.processId > y.processId ? 1 : x.order - y.order))
        .map((l) => l.data);
      const book = new LogBook();
      const batch = 1 + Math.floor(random() * 300);
      arrival.forEach((l, i) => {
        book.addOutput(l);
        if ((i + 1) % batch === 0) book.commit();
      });
      book.commit();
      expect(book.lines(ALL_PROCESSES).map((l) => l.text), `round ${round}, batches of ${batch}`).toEqual(expected);
    }
  });

  it('tells indexes where it rewrote positions, so a filter over it stays right', () => {
    const book = new LogBook();
    const merged = book.source(ALL_PROCESSES);
    const index = new LineIndex(merged, (s, abs) => s.plain(abs).includes('x'));
    for (let i = 0; i < 10; i++) book.addOutput({ processId: 'a', data: `a${i} x`, timestamp: at(i * 10) });
    book.source(ALL_PROCESSES); // reading the merged view puts what came in order
    index.update();
    expect(index.length).toBe(10);
    // A late replay of b lands between a's lines.
    for (let i = 0; i < 10; i++) book.addOutput({ processId: 'b', data: `b${i}${i % 2 ? ' x' : ''}`, timestamp: at(i * 10 + 5) });
    book.source(ALL_PROCESSES); // reading the merged view puts what came in order
    index.update();
    const shown = Array.from({ length: index.length }, (_, i) => book.lineAt(merged, index.positionAt(i))?.text);
    expect(shown).toEqual(['a0 x', 'a1 x', 'b1 x', 'a2 x', 'a3 x', 'b3 x', 'a4 x', 'a5 x', 'b5 x', 'a6 x', 'a7 x', 'b7 x', 'a8 x', 'a9 x', 'b9 x']);
  });

  it('finds a line again after merges (the view keeps its place) and drops what a process at its cap dropped', () => {
    const book = new LogBook({ maxLines: 5000 });
    const merged = book.source(ALL_PROCESSES);
    book.addOutput({ processId: 'quiet', data: 'q0', timestamp: at(0) });
    for (let i = 0; i < 5000; i++) book.addOutput({ processId: 'chatty', data: `c${i}`, timestamp: at(1 + i) });
    book.source(ALL_PROCESSES); // reading the merged view puts what came in order
    const id = merged.identityAt(merged.start + 100);
    expect(book.lineAt(merged, merged.positionOfIdentity(id!))?.text).toBe('c99');
    book.addOutput({ processId: 'quiet', data: 'q-late', timestamp: at(50) });
    book.source(ALL_PROCESSES); // reading the merged view puts what came in order
    expect(book.lineAt(merged, merged.positionOfIdentity(id!))?.text).toBe('c99');
    // Chatty at its cap drops its oldest lines; the quiet one's stay, in order.
    for (let i = 5000; i < 15_000; i++) book.addOutput({ processId: 'chatty', data: `c${i}`, timestamp: at(1 + i) });
    book.source(ALL_PROCESSES); // reading the merged view puts what came in order
    const texts = book.lines(ALL_PROCESSES).map((l) => l.text);
    expect(texts.slice(0, 2)).toEqual(['q0', 'q-late']);
    expect(texts[2]).toBe('c10000');
    expect(texts).toHaveLength(5002);
  });
});
