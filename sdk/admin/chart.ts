import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css';
import { base } from '../inbox/styles';
import { formatValue, type ValueFormat } from './format';

const HALF_DAY = 43_200;
/** Counts are whole: no tick at 0.3 answers. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];

export interface ChartSeries {
  label: string;
  color: string;
  /** One value per day; null where there is nothing to plot (no conversations that day). */
  values: (number | null)[];
  kind: 'bars' | 'line';
}

/**
 * One chart of daily figures, drawn by uPlot on a canvas. Screen readers get the same numbers
 * as a table (visually hidden), since a canvas says nothing to them.
 */
@customElement('admin-chart')
export class AdminChart extends LitElement {
  static override styles = [
    base,
    unsafeCSS(uPlotCss),
    css`
      :host { display: block; min-width: 0; }
      figure { margin: 0; padding: 14px 16px 10px; border: 1px solid var(--inbox-border); border-radius: var(--inbox-radius); background: var(--inbox-surface); }
      figcaption { font-weight: 600; margin-bottom: 6px; }
      .plot { min-height: 200px; }
      .uplot { font-family: var(--inbox-font); }
    `,
  ];

  @property() caption = '';
  /** `YYYY-MM-DD`, UTC, one per value. */
  @property({ attribute: false }) days: string[] = [];
  @property({ attribute: false }) series: ChartSeries[] = [];
  @property() format: ValueFormat = 'count';
  @query('.plot') private plotBox!: HTMLElement;
  private plot: uPlot | null = null;
  private resize: ResizeObserver | null = null;

  override render() {
    return html`<figure>
      <figcaption id="c">${this.caption}</figcaption>
      <div class="plot" aria-hidden="true"></div>
      <table class="sr" aria-labelledby="c">
        <thead><tr><th scope="col">Day</th>${this.series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
        <tbody>
          ${this.days.map(
            (d, i) => html`<tr><th scope="row">${d}</th>${this.series.map((s) => html`<td>${s.values[i] === null ? '–' : formatValue(s.values[i]!, this.format)}</td>`)}</tr>`,
          )}
        </tbody>
      </table>
    </figure>`;
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('days') || changed.has('series') || changed.has('format')) this.draw();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize = new ResizeObserver(() => this.plot?.setSize(this.size()));
    this.updateComplete.then(() => this.resize?.observe(this.plotBox));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  private size() {
    return { width: Math.max(240, this.plotBox.clientWidth), height: 200 };
  }

  private draw(): void {
    this.plot?.destroy();
    const x = this.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const fmt = (v: number | null) => (v === null ? '–' : formatValue(v, this.format));
    this.plot = new uPlot(
      {
        ...this.size(),
        // Days are UTC days: label them so wherever the reader is.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: {
          // Half a day either side, so the first and last days' bars are whole.
          x: { time: true, range: (_u, min, max) => [min - HALF_DAY, max + HALF_DAY] },
          y: { range: (_u, min, max) => (this.format === 'percent' ? [0, 1] : [Math.min(0, min), Math.max(1, max)]) },
        },
        axes: [{}, { values: (_u, ticks) => ticks.map(fmt), size: 56, ...(this.format === 'count' ? { incrs: WHOLE_STEPS } : {}) }],
        series: [
          { label: 'Day', value: (_u: uPlot, ts: number | null) => (ts === null ? '–' : new Date(ts * 1000).toISOString().slice(0, 10)) },
          ...this.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            fill: s.kind === 'bars' ? s.color : undefined,
            width: s.kind === 'bars' ? 0 : 2,
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => fmt(v),
            ...(s.kind === 'bars' ? { paths: uPlot.paths.bars!({ size: [0.7, 40] }), points: { show: false } } : {}),
          })),
        ],
        legend: { live: true },
      },
      [x, ...this.series.map((s) => s.values)] as uPlot.AlignedData,
      this.plotBox,
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'admin-chart': AdminChart;
  }
}
