// @vitest-environment happy-dom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AnsiText } from './ansi-text';

afterEach(cleanup);

describe('AnsiText', () => {
  it('renders ANSI colours as styled spans', () => {
    const { container } = render(<div>{<AnsiText text={'\x1b[31mred\x1b[0m and \x1b[1;38;2;10;20;30mdeep\x1b[0m'} />}</div>);
    const spans = [...container.querySelectorAll('span')];
    expect(spans.map((s) => s.textContent)).toEqual(['red', ' and ', 'deep']);
    expect(spans[0]?.className).toBe('ansi-red-fg');
    expect(spans[2]?.className).toContain('ansi-bold');
    expect(spans[2]?.style.color).toBe('rgb(10, 20, 30)');
    expect(container.textContent).toBe('red and deep');
  });

  it('never interprets output as HTML', () => {
    const { container } = render(<div>{<AnsiText text={'\x1b[32m<img src=x onerror=alert(1)><b>bold</b>\x1b[0m'} />}</div>);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.textContent).toBe('<img src=x onerror=alert(1)><b>bold</b>');
  });

  it('renders the ANSI bomb as one bold span, and a bounded number of elements for any line', () => {
    const { container } = render(<div>{<AnsiText text={'\x1b[1mA'.repeat(10_000)} />}</div>);
    expect(container.querySelectorAll('span')).toHaveLength(1);
    expect(container.querySelector('span')?.className).toBe('ansi-bold');
    const striped = Array.from({ length: 5000 }, (_, i) => `\x1b[${31 + (i % 2)}mx`).join('');
    const many = render(<div>{<AnsiText text={striped} query="x" />}</div>);
    // 200 styled spans at most, each split at most by its highlights (themselves capped at 100).
    expect(many.container.querySelectorAll('span').length).toBeLessThanOrEqual(400);
    expect(many.container.querySelectorAll('mark').length).toBeLessThanOrEqual(100);
  });

  it('makes http(s) URLs links that open safely, and nothing else', () => {
    const { container } = render(<div>{<AnsiText text={'see \x1b[34mhttps://example.com/a?b=1\x1b[0m, javascript:alert(1) and file:///etc/passwd ftp://x.org'} />}</div>);
    const links = [...container.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a?b=1']);
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(links[0]?.getAttribute('target')).toBe('_blank');
    expect(links[0]?.querySelector('span')?.className).toBe('ansi-blue-fg');
    expect(container.textContent).toBe('see https://example.com/a?b=1, javascript:alert(1) and file:///etc/passwd ftp://x.org');
  });

  it('highlights search matches across colour boundaries', () => {
    const { container } = render(<div>{<AnsiText text={'\x1b[31mfoo\x1b[0mbar foo'} query="ob" />}</div>);
    const marks = [...container.querySelectorAll('mark')];
    expect(marks.map((m) => m.textContent)).toEqual(['o', 'b']);
    expect(marks[0]?.querySelector('span')?.className).toBe('ansi-red-fg');
  });
});
