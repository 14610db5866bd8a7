import { ApolloGateway, type GatewayConfig } from '@apollo/gateway';

/**
 * An ApolloGateway that reports to Apollo only when `reportToApollo` says so.
 *
 * Since 2.10, @apollo/gateway's constructor starts an anonymous usage report
 * unless APOLLO_TELEMETRY_DISABLED is set in the environment at that moment:
 * it probes the cloud metadata services of AWS, Azure, GCP and Alibaba
 * (169.254.169.254 and others) and sends uptime, CPU, memory and OS to
 * usage-reporting.api.apollographql.com every hour. It has no option for
 * this, only that variable, so it is set around the constructor and put
 * back: a router sends nothing to anyone its operator did not name.
 */
export function createGateway(options: GatewayConfig, reportToApollo: boolean): ApolloGateway {
  const before = process.env.APOLLO_TELEMETRY_DISABLED;
  process.env.APOLLO_TELEMETRY_DISABLED = reportToApollo ? 'false' : 'true';
  try {
    return new ApolloGateway(options);
  } finally {
    if (before === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
    else process.env.APOLLO_TELEMETRY_DISABLED = before;
  }
}
