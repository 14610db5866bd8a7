export { loadNotesConfig, type NotesConfig } from './config.ts';
export { startNotesSubgraph, type NotesSubgraph } from './server.ts';
export { seedNotes } from './seed/seedNotes.ts';
