// ECharts for later screens (dashboards, reports, the big screen): import
// `echarts` from here, not from 'echarts', so only the chart types registered
// below are bundled and every chart gets the 党建 palette (red first, then gold).
// Add a chart type or component to the `use([...])` list when a screen needs it.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart, GaugeChart, HeatmapChart } from 'echarts/charts';
import {
  GridComponent, TooltipComponent, LegendComponent, TitleComponent, DatasetComponent, VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart, LineChart, PieChart, GaugeChart, HeatmapChart,
  GridComponent, TooltipComponent, LegendComponent, TitleComponent, DatasetComponent, VisualMapComponent,
  CanvasRenderer,
]);

export const PALETTE = ['#c8161d', '#d4a017', '#e46b61', '#8c1c13', '#f0c75e', '#6e6e6e', '#f29e8e', '#a67c00'];

echarts.registerTheme('dangjian', {
  color: PALETTE,
  backgroundColor: 'transparent',
  textStyle: {
    fontFamily: "-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif",
  },
});

/** Creates a chart on `el` with the 党建 theme; call dispose() when the screen unmounts. */
export function createChart(el) {
  return echarts.init(el, 'dangjian');
}

export { echarts };
