/** `/research/` and its note and guide pages; the parts live in src/research/. */
import { useParams } from 'react-router-dom';
import { InterviewGuideEditor } from '../research/GuideEditor';
import { InterviewNoteEditor } from '../research/NoteEditor';
import { ResearchHub } from '../research/ResearchHub';
import '../styles/research.css';

export function ResearchPage() {
  return <ResearchHub />;
}

export function InterviewNotePage() {
  const { noteId } = useParams();
  return <InterviewNoteEditor key={noteId} noteId={noteId ?? ''} />;
}

export function InterviewGuidePage() {
  const { guideId } = useParams();
  return <InterviewGuideEditor key={guideId} guideId={guideId ?? ''} />;
}
