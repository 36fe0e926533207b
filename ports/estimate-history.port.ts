/** Past actual/estimate ratios (the observer's execution runs) for Monte Carlo risk. */
export interface EstimateHistoryReader {
  /** One ratio per completed run, most recent first; empty when there is no history. */
  ratios(tenant: string): Promise<number[]>;
}
