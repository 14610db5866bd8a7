import { createLogger } from '@supergraph/common';
import { loadNotesConfig } from '../config.ts';
import { createNotesDb } from '../db.ts';
import { seedNotes } from './seedNotes.ts';

const config = loadNotesConfig();
const db = createNotesDb(config.NOTES_DATABASE_URL, 1, createLogger('notes-seed', config.LOG_LEVEL));
const { tags, notes } = await seedNotes(db);
console.log(`notes: seeded ${tags} tags and ${notes} notes`);
await db.$disconnect();
