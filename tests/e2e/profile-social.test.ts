// Profiles and settings with the social layer, in Chromium: Bob, on a phone,
// follows Ann from her profile and finds himself among her followers; Ann, on
// a desktop, follows the notification to Bob's profile, finds herself in whom
// he follows, and mutes likes in her settings. Screenshots of the profile, the settings and the notifications at 390 × 844
// and on a desktop.
import { expect, test } from 'vitest';
import type { NotificationSettings } from '../../shared/social.ts';
import { startServer } from '../helpers/server.ts';
import { describeInBrowser, newPerson, PHONE, phonePerson, shot, unnamedControls, whoAmI } from './helpers/browser.ts';
import { realWork } from './helpers/work-fixtures.ts';

describeInBrowser('profiles and settings with the social layer', (browser) => {
  test('follow from a profile, see the lists, mute a type of notification; on a phone and a desktop', async () => {
    const atelier = await startServer({ GALLERY_CACHE_MS: '0' });
    const ann = await newPerson(browser(), atelier.url);
    const bob = await phonePerson(browser(), atelier.url);
    await ann.page.goto('/');
    await bob.page.goto('/');
    await ann.page.locator('user-menu .name').filter({ hasNotText: '…' }).waitFor();
    await bob.page.locator('user-menu .name').waitFor({ state: 'attached' });
    const annUser = await whoAmI(ann);
    const bobUser = await whoAmI(bob);
    await realWork(atelier, annUser, { title: 'Harbour at night' });

    // Bob, on his phone, opens Ann's profile and follows her there.
    await bob.page.goto(`/u/${annUser.id}`);
    const profile = bob.page.locator('profile-page');
    await profile.locator('work-card').first().waitFor();
    await profile.getByText('0 followers').waitFor();
    await profile.getByRole('button', { name: `Follow ${annUser.name}` }).tap();
    await profile.getByRole('button', { name: `Unfollow ${annUser.name}` }).waitFor();
    await profile.getByText('1 follower', { exact: true }).waitFor();
    expect(await bob.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await shot(bob.page, 'profile-01-phone-followed');
    await profile.getByRole('tab', { name: 'Followers' }).tap();
    const followers = profile.locator('people-list');
    await followers.getByRole('link', { name: new RegExp(bobUser.name) }).waitFor();
    const box = await followers.locator('person-row').first().boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await shot(bob.page, 'profile-02-phone-followers');

    // Ann hears of it, and the notification leads to Bob's profile, where he follows her.
    await ann.page.locator('notification-bell .badge', { hasText: '1' }).waitFor();
    await ann.page.getByRole('button', { name: /Notifications, 1 unread/ }).click();
    const panel = ann.page.locator('notification-bell .panel');
    await panel.getByText('followed you').waitFor();
    await shot(ann.page, 'profile-03-desktop-notifications');
    await panel.getByRole('link', { name: /followed you/ }).click();
    await ann.page.waitForURL(new RegExp(`/u/${bobUser.id}$`));
    const bobsProfile = ann.page.locator('profile-page');
    await bobsProfile.getByRole('button', { name: `Follow ${bobUser.name}` }).waitFor();
    await bobsProfile.getByRole('tab', { name: 'Following' }).click();
    await bobsProfile
      .locator('people-list')
      .getByRole('link', { name: new RegExp(annUser.name) })
      .waitFor();
    await shot(ann.page, 'profile-04-desktop-following');
    expect(await unnamedControls(ann.page)).toEqual([]);

    // Ann mutes likes in her settings; the server keeps it.
    await ann.page.goto('/settings');
    const likes = ann.page.locator('notification-settings').getByRole('checkbox', { name: /Likes/ });
    await likes.waitFor();
    expect(await likes.isChecked()).toBe(true);
    await likes.uncheck();
    await ann.page.locator('notification-settings').getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const saved = await ann.page.request.get('/api/notifications/settings', { headers: { authorization: `Bearer ${annUser.token}` } });
    expect(((await saved.json()) as NotificationSettings).muted).toEqual(['like']);
    await ann.page.locator('notification-settings').scrollIntoViewIfNeeded();
    await shot(ann.page, 'profile-05-desktop-settings-notifications');
    expect(await unnamedControls(ann.page)).toEqual([]);

    // Bob's settings and bell on the phone fit the screen.
    await bob.page.goto('/settings');
    await bob.page.locator('notification-settings').getByRole('checkbox', { name: /Likes/ }).waitFor();
    expect(await bob.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await bob.page.locator('notification-settings').scrollIntoViewIfNeeded();
    await shot(bob.page, 'profile-06-phone-settings');
    expect(ann.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  }, 120_000);
});
