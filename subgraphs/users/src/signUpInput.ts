import { z } from 'zod';
import { badInput } from '@supergraph/common';

const signUpSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email('must be a valid e-mail address')),
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  password: z.string().min(8, 'must be at least 8 characters').max(200, 'must be at most 200 characters'),
});

export type SignUp = z.infer<typeof signUpSchema>;

/** Validates sign-up input; the first problem becomes a BAD_USER_INPUT error naming its field. */
export function parseSignUp(input: unknown): SignUp {
  const result = signUpSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = `input.${issue.path.join('.')}`;
  throw badInput(field, `${field} ${issue.message}.`);
}
