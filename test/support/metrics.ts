/** A metric's value in Prometheus text: the first line of that name (labelled or not); NaN when absent. */
export function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `) || entry.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : NaN;
}

/** An unlabelled metric as the service at `graphqlUrl` reports it on /metrics now (0 before its first use). */
export async function scrapeMetric(graphqlUrl: string, name: string): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace('/graphql', '/metrics'))).text();
  return metricValue(text, name) || 0;
}
