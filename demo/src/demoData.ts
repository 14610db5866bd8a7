/**
 * The demo accounts every subgraph's seed refers to: this deployment's own
 * fixture, kept out of the shared platform code. Fixed ids are the contract
 * that lets the subgraphs seed data for users they do not own.
 */
export const DEMO_PASSWORD = 'supergraph-demo';

export const demoUsers = [
  { id: '00000000-0000-4000-8000-000000000001', email: 'alice@example.com', name: 'Alice Liddell', role: 'CUSTOMER' },
  { id: '00000000-0000-4000-8000-000000000002', email: 'bob@example.com', name: 'Bob Marley', role: 'CUSTOMER' },
  { id: '00000000-0000-4000-8000-000000000003', email: 'carol@example.com', name: 'Carol Danvers', role: 'CUSTOMER' },
  { id: '00000000-0000-4000-8000-0000000000ad', email: 'admin@example.com', name: 'Ada Admin', role: 'ADMIN' },
] as const;
