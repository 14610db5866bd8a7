import type { FetcherHeaders, FetcherResponse } from '@apollo/utils.fetcher';

/**
 * A subgraph's answer, read to its end: what `RemoteGraphQLDataSource` reads
 * of a fetch Response (status, headers, the body as text or JSON), without
 * the WHATWG stream machinery behind a real one, which cost the router more
 * CPU per subgraph fetch than the gateway's own work (see subgraphFetcher.ts).
 * Several callers may be handed copies over one body (deduplicated fetches).
 */
export class BufferedResponse implements FetcherResponse {
  readonly redirected = false;
  bodyUsed = false;
  private headerMap: FetcherHeaders | undefined;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    private readonly rawHeaders: Record<string, string | string[] | undefined>,
    private readonly body: string,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get headers(): FetcherHeaders {
    if (!this.headerMap) {
      this.headerMap = new Headers() as unknown as FetcherHeaders;
      for (const [name, value] of Object.entries(this.rawHeaders)) {
        if (value === undefined) continue;
        for (const each of Array.isArray(value) ? value : [value]) this.headerMap.append(name, each);
      }
    }
    return this.headerMap;
  }

  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.body;
  }

  async json(): Promise<any> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(await this.text());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  clone(): BufferedResponse {
    return new BufferedResponse(this.url, this.status, this.statusText, this.rawHeaders, this.body);
  }
}
