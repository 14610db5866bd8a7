export { loadUsersConfig, type UsersConfig } from './config.ts';
export { startUsersSubgraph, type UsersSubgraph } from './server.ts';
export { seedUsers } from './seed/seedUsers.ts';
