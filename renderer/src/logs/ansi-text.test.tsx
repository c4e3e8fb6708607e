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

  it('highlights search matches across colour boundaries', () => {
    const { container } = render(<div>{<AnsiText text={'\x1b[31mfoo\x1b[0mbar foo'} query="ob" />}</div>);
    const marks = [...container.querySelectorAll('mark')];
    expect(marks.map((m) => m.textContent)).toEqual(['o', 'b']);
    expect(marks[0]?.querySelector('span')?.className).toBe('ansi-red-fg');
  });
});
