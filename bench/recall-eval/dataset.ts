/**
 * A synthetic long-conversation memory benchmark in the shape of LoCoMo: pairs of speakers
 * talk over many dated sessions; a few turns state facts about a speaker, most are chit-chat
 * (some deliberately close in vocabulary); questions are asked about those facts in other
 * words than the turn used, and each names its evidence turn. Deterministic (seeded).
 *
 * The question phrasings were written against the evidence phrasings, not against recall's
 * related-words list; about a third share no content word with their evidence at all
 * besides the speaker's name (the "paraphrase" class), which only meaning-level matching
 * (related words, embeddings) can bridge.
 */

export interface Turn {
  readonly id: string;
  readonly conversation: number;
  readonly session: number;
  readonly speaker: string;
  readonly text: string;
  readonly date: string;
}

export interface Question {
  readonly id: string;
  readonly conversation: number;
  readonly question: string;
  readonly evidence: readonly string[];
  readonly category: 'lexical' | 'paraphrase' | 'temporal';
}

export interface Dataset {
  readonly turns: readonly Turn[];
  readonly questions: readonly Question[];
}

// mulberry32: small, fast, seedable
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FactTemplate {
  readonly key: string;
  readonly values: readonly string[];
  /** First-person statements; {v} is the value. */
  readonly say: readonly string[];
  /** Questions about {name}; class decides the reporting bucket. */
  readonly ask: ReadonlyArray<{ q: string; category: Question['category'] }>;
}

const facts: readonly FactTemplate[] = [
  {
    key: 'job',
    values: ['a nurse at the children’s hospital', 'a high school chemistry teacher', 'a software engineer at a fintech startup', 'an electrician', 'a paralegal at a law firm', 'a pastry chef'],
    say: ['I started working as {v} this year and I love it.', 'These days I am employed as {v}, long shifts but rewarding.', 'Ever since I became {v}, my schedule has been wild.'],
    ask: [
      { q: 'What does {name} do for a living?', category: 'paraphrase' },
      { q: "What is {name}'s occupation?", category: 'paraphrase' },
    ],
  },
  {
    key: 'pet',
    values: ['a golden retriever named Max', 'a tabby cat called Luna', 'two guinea pigs, Peanut and Pickles', 'a parrot named Kiwi', 'a corgi named Biscuit'],
    say: ['We finally adopted {v}!', 'Meet the newest family member: {v}.', 'Coming home to {v} is the best part of my day.'],
    ask: [
      { q: 'What animal does {name} have at home?', category: 'paraphrase' },
      { q: 'Does {name} own any pets?', category: 'paraphrase' },
    ],
  },
  {
    key: 'hobby',
    values: ['pottery', 'rock climbing', 'watercolor painting', 'birdwatching', 'salsa dancing', 'woodworking'],
    say: ['On weekends I have been getting really into {v}.', 'I signed up for a {v} class and I am hooked.', 'Nothing relaxes me like {v} after a long week.'],
    ask: [
      { q: 'What does {name} like to do in their free time?', category: 'paraphrase' },
      { q: "What is {name}'s hobby?", category: 'paraphrase' },
    ],
  },
  {
    key: 'move',
    values: ['Denver', 'Lisbon', 'Austin', 'Toronto', 'Melbourne', 'Seattle'],
    say: ['We packed everything up and moved to {v} last month.', 'Our new apartment in {v} is tiny but cozy.', 'Relocating to {v} was scary but worth it.'],
    ask: [
      { q: 'Which city did {name} relocate to?', category: 'lexical' },
      { q: 'Where does {name} live now?', category: 'paraphrase' },
    ],
  },
  {
    key: 'trip',
    values: ['Japan', 'Iceland', 'Peru', 'Morocco', 'New Zealand', 'Greece'],
    say: ['Just got back from two weeks in {v}, the food was unreal.', 'Our vacation to {v} was the trip of a lifetime.', 'I am still jet-lagged from flying home from {v}.'],
    ask: [
      { q: 'Where did {name} travel recently?', category: 'paraphrase' },
      { q: 'Which country did {name} visit on holiday?', category: 'paraphrase' },
    ],
  },
  {
    key: 'instrument',
    values: ['the cello', 'the ukulele', 'the drums', 'the violin', 'jazz piano'],
    say: ['I have been practicing {v} every night.', 'My teacher says my {v} playing has improved a lot.', 'I finally performed on {v} at the open mic.'],
    ask: [
      { q: 'What instrument does {name} play?', category: 'paraphrase' },
      { q: 'Which musical instrument is {name} learning?', category: 'paraphrase' },
    ],
  },
  {
    key: 'sibling',
    values: ['Rosa', 'Daniel', 'Priya', 'Tom', 'Mei'],
    say: ['My sister {v} is getting married in June!', 'My little brother {v} just started college.', 'I spent the whole weekend helping my sibling {v} move.'],
    ask: [
      { q: "What is the name of {name}'s sibling?", category: 'lexical' },
      { q: "Who is {name}'s brother or sister?", category: 'paraphrase' },
    ],
  },
  {
    key: 'allergy',
    values: ['peanuts', 'shellfish', 'cats', 'pollen', 'gluten'],
    say: ['I am seriously allergic to {v}, so I have to be careful.', 'Turns out I have an allergy to {v}, the doctor confirmed it.', 'I always carry an EpiPen because of {v}.'],
    ask: [
      { q: 'What is {name} allergic to?', category: 'lexical' },
      { q: 'Which food or thing must {name} avoid for health reasons?', category: 'paraphrase' },
    ],
  },
  {
    key: 'book',
    values: ['Project Hail Mary', 'The Name of the Wind', 'Educated', 'Circe', 'Dune'],
    say: ['I could not put down {v}, I read it in three days.', 'My book club picked {v} and I loved it.', 'Currently reading {v}, highly recommend.'],
    ask: [
      { q: 'What novel has {name} been reading?', category: 'paraphrase' },
      { q: 'Which book did {name} recommend?', category: 'lexical' },
    ],
  },
  {
    key: 'race',
    values: ['a half marathon', 'a 10K charity run', 'a triathlon', 'a full marathon'],
    say: ['I finished {v} last Sunday, my legs are still sore!', 'Training for {v} has taken over my life.', 'Crossed the finish line of {v}, personal best!'],
    ask: [
      { q: 'What race did {name} complete?', category: 'paraphrase' },
      { q: 'What endurance event did {name} take part in?', category: 'paraphrase' },
    ],
  },
  {
    key: 'volunteer',
    values: ['the animal shelter', 'a food bank', 'an LGBTQ youth center', 'the public library literacy program'],
    say: ['I have been volunteering at {v} on Saturdays.', 'Helping out at {v} gives me so much purpose.', 'I signed up to volunteer with {v} again this year.'],
    ask: [
      { q: 'Where does {name} do volunteer work?', category: 'lexical' },
      { q: 'Which community organisation does {name} help out?', category: 'paraphrase' },
    ],
  },
  {
    key: 'car',
    values: ['a used Subaru Outback', 'an electric Hyundai', 'a vintage Volkswagen van', 'a red Mini Cooper'],
    say: ['I finally bought {v}, no more buses for me.', 'Drove {v} home from the dealer today.', 'Our new ride is {v}, road trip time!'],
    ask: [
      { q: 'What vehicle did {name} purchase?', category: 'paraphrase' },
      { q: 'What car does {name} drive?', category: 'lexical' },
    ],
  },
  {
    key: 'degree',
    values: ['a master’s in social work', 'a nursing degree', 'an MBA', 'a certificate in graphic design'],
    say: ['I enrolled in {v} program at night school.', 'Graduated with {v}, so proud of myself.', 'Studying for {v} while working is exhausting.'],
    ask: [
      { q: 'What is {name} studying?', category: 'lexical' },
      { q: 'What qualification is {name} pursuing?', category: 'paraphrase' },
    ],
  },
  {
    key: 'food',
    values: ['Thai green curry', 'homemade ramen', 'lemon tart', 'mushroom risotto'],
    say: ['I cooked {v} for the first time and nailed it.', 'My signature dish is now {v}.', 'Made {v} for dinner, everyone wanted seconds.'],
    ask: [
      { q: 'What dish does {name} like to cook?', category: 'lexical' },
      { q: 'What meal did {name} make that everyone loved?', category: 'paraphrase' },
    ],
  },
];

const fillers: readonly string[] = [
  'Haha, that sounds like so much fun!',
  'How has your week been?',
  'Honestly, work has been crazy lately, I barely have time to breathe.',
  'I totally get that. Some days are just long.',
  'That is amazing, I am so happy for you!',
  'We should catch up over coffee soon.',
  'Did you watch the game last night?',
  'The weather has been so gloomy, I miss the sun.',
  'I have been trying to sleep more, it helps a lot.',
  'My neighbor’s dog barked all night, so I am exhausted.',
  'I keep meaning to read more but my phone wins every time.',
  'Thanks for listening, it really means a lot.',
  'I cannot believe it is almost the end of the month already.',
  'Family dinner on Sunday was chaotic but sweet.',
  'I tried a new coffee place downtown, pretty good.',
  'Let me know how it goes, I am rooting for you!',
  'That reminds me, I need to call my mom.',
  'I have been thinking about traveling somewhere warm.',
  'Traffic this morning was unbelievable.',
  'I finally cleaned out my closet, feels great.',
  'What are your plans for the weekend?',
  'I made pancakes this morning, nothing fancy.',
  'My back hurts from sitting all day at the desk.',
  'It was nice to just stay home and relax.',
  'I started a new show, it is addictive.',
  'You always know how to cheer me up.',
  'I had a long talk with my friend about life goals.',
  'Work friends invited me to trivia night, it was fun.',
  'My plants are finally growing again.',
  'I am trying to cook at home more to save money.',
  'Sounds like you had a busy couple of days!',
  'We went for a walk in the park and got ice cream.',
  'That class sounds intense, good luck!',
  'I love hearing about your adventures.',
  'Music always helps me focus.',
  'I might take a day off next week.',
];

const openers = ['', '', 'Haha, ', 'Honestly, ', 'Oh wow, ', 'Ugh, ', 'Yeah, ', 'So, ', 'Anyway, ', 'Lol, ', 'Aw, '];
const closers = ['', '', ' :)', ' How about you?', ' Anyway, enough about me.', ' Crazy, right?', ' Talk soon!', ' What do you think?', ' I will tell you more later.'];

const names = ['Caroline', 'Melanie', 'Jon', 'Gina', 'Andrew', 'Audrey', 'Maria', 'Joanna', 'Nate', 'Tim', 'John', 'Evan', 'Sam', 'Deborah', 'Jolene', 'Calvin', 'Dave', 'James', 'Lena', 'Omar'];

export function generateDataset(options: { conversations?: number; sessions?: number; turnsPerSession?: number; seed?: number } = {}): Dataset {
  const random = rng(options.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const conversations = options.conversations ?? 10;
  const sessions = options.sessions ?? 15;
  const perSession = options.turnsPerSession ?? 20;
  const turns: Turn[] = [];
  const questions: Question[] = [];
  for (let c = 0; c < conversations; c++) {
    const speakers = [names[(2 * c) % names.length]!, names[(2 * c + 1) % names.length]!] as const;
    // each speaker gets 7 facts from distinct categories, placed in random (session, slot)s
    const placements = new Map<string, { speaker: string; text: string; template: FactTemplate; value: string }>();
    for (const speaker of speakers) {
      const categories = [...facts].sort(() => random() - 0.5).slice(0, 7);
      for (const template of categories) {
        let slot: string;
        do slot = `${Math.floor(random() * sessions)}:${Math.floor(random() * perSession)}`;
        while (placements.has(slot));
        const value = pick(template.values);
        placements.set(slot, { speaker, template, value, text: pick(template.say).replace('{v}', value) });
      }
    }
    const start = Date.UTC(2023, 0, 1) + c * 86_400_000 * 3;
    for (let s = 0; s < sessions; s++) {
      const date = new Date(start + s * 86_400_000 * (5 + Math.floor(random() * 10))).toISOString();
      for (let t = 0; t < perSession; t++) {
        const id = `C${c}:D${s}:${t}`;
        const placed = placements.get(`${s}:${t}`);
        const speaker = placed?.speaker ?? speakers[t % 2]!;
        const filler = () => {
          const body = pick(fillers);
          const opener = pick(openers);
          return `${opener}${opener ? body[0]!.toLowerCase() + body.slice(1) : body}${pick(closers)}`;
        };
        turns.push({ id, conversation: c, session: s, speaker, date, text: placed?.text ?? filler() });
        if (placed) {
          for (const ask of placed.template.ask) {
            questions.push({ id: `${id}:${questions.length}`, conversation: c, question: ask.q.replace('{name}', placed.speaker), evidence: [id], category: ask.category });
          }
          const day = new Date(date).toISOString().slice(0, 10);
          questions.push({
            id: `${id}:t${questions.length}`,
            conversation: c,
            question: `When did ${placed.speaker} mention ${placed.value.replace(/^(a|an|the) /, '')}?`,
            evidence: [id],
            category: 'temporal',
          });
          void day;
        }
      }
    }
  }
  return { turns, questions };
}
