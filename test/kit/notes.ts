import { graphql } from './graphql.ts';

/** Creates a note through the router as the token's user; fails the test on any error. */
export async function createNote(url: string, token: string, title: string): Promise<string> {
  const response = await graphql(url, 'mutation($t: String!) { createNote(input: { title: $t, content: "." }) { id } }', { t: title }, { token });
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!.createNote.id;
}
