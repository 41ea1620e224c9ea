// What the social layer adds to a profile: follower and following counts, and
// whether the viewer follows or blocks the person. A user moderators hid has
// no profile for anyone else (People.summary refuses it as not_found).
import type { People } from '../social/people.ts';
import type { ProfileContribution } from './profiles.ts';

export function socialProfile(people: People): ProfileContribution {
  return async (user, viewerId) => {
    const summary = await people.summary(viewerId, user.id);
    return {
      stats: { followers: summary.followers, following: summary.following },
      followedByMe: summary.followedByMe,
      blockedByMe: summary.blockedByMe,
    };
  };
}
