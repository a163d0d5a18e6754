/** Types for parse-prometheus-text-format 1.1 (prom2json-compatible output), which ships none. */
declare module "parse-prometheus-text-format" {
  export type PromSample = {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  };
  export type PromFamily = { name: string; help: string; type: string; metrics: PromSample[] };
  export default function parsePrometheusTextFormat(text: string): PromFamily[];
}
