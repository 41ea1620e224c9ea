// SQL both backends share for the social layer's rules.

/** Whether a moderator hid the user whose id `column` holds (and so everything they made). */
export const userHidden = (column: string) =>
  `EXISTS (SELECT 1 FROM user_moderation um WHERE um.user_id = ${column} AND um.hidden_at IS NOT NULL)`;
